/**
 * Serves the Fashion-MNIST and MNIST files to the page. The Vite dev and preview servers (and the
 * browser tests' server) answer `/datasets/fashion-mnist/<file>.gz` and `/datasets/mnist/<file>.gz`
 * from the folder the library's loaders read in Node — `$MTL_FASHION_MNIST_DIR` /
 * `$MTL_MNIST_DIR`, the per-user cache (`~/.cache/mtl/<name>`), Debian's install path — so the
 * page trains on the same files as the CLI. `/datasets/<name>/` itself says whether they are
 * there: 200 with the folder, or 404 with the library's DatasetError message (where it looked and
 * how to get the files), which the page shows as it is.
 *
 * Node only. The library is imported when a message is needed, by a specifier Vite's config
 * bundler leaves alone: it has no built package to bundle, and `pnpm web` runs Vite under tsx,
 * which reads the library from source.
 */
import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

const SOURCES = {
  'fashion-mnist': {
    title: 'Fashion-MNIST',
    envVar: 'MTL_FASHION_MNIST_DIR',
    debianDir: '/usr/share/datasets/fashion-mnist',
  },
  mnist: { title: 'MNIST', envVar: 'MTL_MNIST_DIR', debianDir: undefined },
} as const;
type SourceName = keyof typeof SOURCES;

const SPLITS = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;
const FILES: readonly string[] = [...SPLITS.train, ...SPLITS.test];

/**
 * The folders the library's loaders look in, in their order. (A copy of the library's search:
 * @mtl/multitask does not export it.)
 */
export function datasetFolders(name: SourceName, env: NodeJS.ProcessEnv = process.env): string[] {
  const { envVar, debianDir } = SOURCES[name];
  const cache = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mtl', name);
  return [env[envVar], cache, debianDir].filter((f): f is string => typeof f === 'string' && f !== '');
}

/** A file of the dataset: its `.gz`, or else the uncompressed one (the loader reads both), in the first folder that has it. */
function filePath(name: SourceName, file: string): string | undefined {
  for (const folder of datasetFolders(name)) {
    for (const candidate of [`${file}.gz`, file]) {
      const path = join(folder, candidate);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

const LIBRARY = '@mtl/multitask';

/** The library's message for a missing split (its loader fails fast when the files are nowhere). */
async function missingMessage(name: SourceName, split: 'train' | 'test'): Promise<string> {
  const fallback = `the ${SOURCES[name].title} files are not in any of: ${datasetFolders(name).join(', ')} — see the playground's README`;
  try {
    const library = (await import(/* @vite-ignore */ LIBRARY)) as typeof import('@mtl/multitask');
    await (name === 'mnist' ? library.mnist : library.fashionMnist)({ split });
    return fallback;
  } catch (error) {
    return error instanceof Error && error.name === 'DatasetError' ? error.message : fallback;
  }
}

/**
 * Connect-style middleware (Vite's `server.middlewares.use`): answers GET and HEAD under
 * `/datasets/`, passes everything else to `next`.
 */
export function serveDatasets(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const match = /^\/datasets\/(fashion-mnist|mnist)\/(.*)$/.exec(path);
  if (match === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
    next();
    return;
  }
  const name = match[1] as SourceName;
  const file = match[2]!;
  if (file === '') {
    const missing = (['train', 'test'] as const).find((s) =>
      SPLITS[s].some((f) => filePath(name, f) === undefined),
    );
    if (missing === undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ found: true }));
      return;
    }
    missingMessage(name, missing).then((message) =>
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-mtl-dataset-error': '1' })
        .end(message),
    );
    return;
  }
  // Only the four official names: nothing else on the disk is reachable.
  const found =
    file.endsWith('.gz') && FILES.includes(file.slice(0, -3)) ? filePath(name, file.slice(0, -3)) : undefined;
  if (found === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no ${file} here`);
    return;
  }
  // The bytes as they are (gzip or not): the loader unpacks them itself, so no content-encoding.
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=3600' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(found).pipe(res);
}
