/**
 * A package as a browser bundler sees it: Vite builds `entry` for the browser (the other @mtl
 * packages left external, so each package answers for itself) and reports its warnings and any
 * Node built-in the bundle would import. A browser user of @mtl must get neither.
 *
 * The build runs in a child process without vitest's environment variables: under vitest, Vite
 * resolves `node:` modules as for Node, and the check would see nothing.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build, createLogger, defaultClientConditions, type Rollup } from 'vite';

export interface BrowserBundle {
  warnings: string[];
  /** Node built-ins the bundle imports (Vite swaps each for an empty `__vite-browser-external` stub). */
  nodeImports: string[];
  /** The bytes of the ES module Vite's library mode emits (not compressed). */
  bytes: number;
}

/** Builds `entry` for the browser in a child process and reports what a bundler saw. */
export function browserBundle(entry: string): BrowserBundle {
  const self = fileURLToPath(import.meta.url);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(VITEST|VITE_|NODE_ENV$|TEST$)/.test(k)),
  );
  const json = execFileSync(process.execPath, ['--import', 'tsx', self, entry], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    env,
  });
  return JSON.parse(json) as BrowserBundle;
}

async function bundle(entry: string): Promise<BrowserBundle> {
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (message) => {
    warnings.push(message);
  };
  logger.warnOnce = logger.warn;
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    customLogger: logger,
    resolve: { conditions: ['@mtl/source', ...defaultClientConditions] },
    build: {
      write: false,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      rollupOptions: {
        external: [/^@mtl\//],
        // The bundler's own warnings ("externalized for browser compatibility") come here.
        onwarn: (warning) => {
          warnings.push(warning.message);
        },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const nodeImports = chunks
    .flatMap((c) => [c.fileName, ...c.imports, ...c.dynamicImports])
    .filter((name) => /(^|:)node:|__vite-browser-external/.test(name));
  return { warnings, nodeImports, bytes: chunks.reduce((n, c) => n + Buffer.byteLength(c.code), 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bundle(process.argv[2]!).then((b) => process.stdout.write(JSON.stringify(b)));
}
