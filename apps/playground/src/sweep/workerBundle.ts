/**
 * The pool workers' code as one prebuilt ES module. A worker that loads `runWorker.ts` through
 * tsx's hooks resolves and transforms the ~150 source files of the playground and the packages
 * on its own: 0.8 s for one worker here, 1.3–1.4 s each when two load at once, while the sweep
 * waits. esbuild bundles them once per process (~0.2 s, before the pool starts) into one file
 * that every worker then loads in ~60 ms.
 *
 * The file is named by a hash of its contents in the playground's build cache
 * (`node_modules/.cache/mtl-playground`, the convention bundlers and linters follow): the same
 * sources give the same file, so runs and test processes reuse it, and nothing is left per run.
 * Bundles no process has used for a day are removed. Where the cache cannot be written the
 * bundle goes to a temporary folder removed at exit; where it cannot be built at all the
 * workers load the sources through tsx as before (`runWorker.mjs`): slower to start, the same runs.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@mtl/nn';

/** The entry that loads the TypeScript sources through tsx (see runWorker.mjs). */
const SOURCE_ENTRY = new URL('./runWorker.mjs', import.meta.url).href;
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/mtl-playground', import.meta.url));
/** Bundles unused for this long are removed: sooner, a long sweep started on older sources could lose the file it restarts workers from. */
const STALE_MS = 24 * 3600 * 1000;

let entry: Promise<string> | undefined;

/** The URL the pool's workers load: the bundle, built on the first call, or `runWorker.mjs`. */
export function workerEntry(): Promise<string> {
  entry ??= bundle().catch(() => SOURCE_ENTRY);
  return entry;
}

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./runWorker.ts', import.meta.url))],
    outfile: 'runWorker.mjs',
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The packages' TypeScript sources, as the CLI itself runs them (`--conditions=@mtl/source`).
    conditions: ['@mtl/source'],
    logLevel: 'silent',
  });
  const code = outputFiles[0]!.contents;
  const name = `runWorker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  try {
    return pathToFileURL(await store(CACHE, name, code)).href;
  } catch {
    const dir = mkdtempSync(join(tmpdir(), 'mtl-playground-worker-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return pathToFileURL(await store(dir, name, code)).href;
  }
}

/**
 * Writes `code` to `dir/name` unless that file holds it already (atomically, so a process that
 * loads it meanwhile finds the whole file), marks it used, and removes the other files of `dir`
 * unused for `STALE_MS` (a temporary file a killed writer left among them). Exported for its tests.
 */
export async function store(dir: string, name: string, code: Uint8Array): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  const now = new Date();
  let there = false;
  try {
    there = Buffer.from(code).equals(readFileSync(file));
  } catch {}
  if (there) utimesSync(file, now, now);
  else await writeFileAtomic(file, code);
  for (const other of readdirSync(dir)) {
    if (other === name) continue;
    try {
      const path = join(dir, other);
      if (now.getTime() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {}
  }
  return file;
}
