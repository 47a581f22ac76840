import { writeFileAtomic } from '@mtl/nn';
import { checkBoolean, checkChoice, formatValue, Tensor, ValueError } from '@mtl/tensor';
import { checkOptions } from '../../data/check';
import { nodeBuiltin } from '../../io/nodeBuiltin';
import { DatasetError } from './DatasetError';
import { readIdx } from './idx';

/** Options of {@link fashionMnist} and {@link mnist}. */
export interface MnistOptions {
  /**
   * The folder holding the four IDX files (`.gz` or not): a path in Node, a URL in a browser.
   * Without it, Node looks in `$MTL_FASHION_MNIST_DIR` (`$MTL_MNIST_DIR` for MNIST), then the
   * per-user cache (`$XDG_CACHE_HOME/mtl/<name>`, else `~/.cache/mtl/<name>`), then Debian's
   * install path (`/usr/share/datasets/fashion-mnist`, package `dataset-fashion-mnist`).
   */
  dir?: string;
  /** `'train'` (60,000 images, the default) or `'test'` (10,000). */
  split?: 'train' | 'test';
  /**
   * Node: when the files are nowhere, fetch the split's two `.gz` files into `dir` (else the
   * per-user cache), check each against the MD5 that torchvision publishes, and write it
   * atomically (a failed or interrupted download leaves no file). Default false.
   */
  download?: boolean;
  /** Where `download` fetches from: a folder URL serving the official `.gz` files. Default: the dataset's home. */
  mirror?: string;
}

/** A split of an MNIST-format dataset. */
export interface MnistSplit {
  /** float32 [N, 1, 28, 28], pixel values scaled to [0, 1] (as torchvision's `ToTensor`). */
  images: Tensor;
  /** int32 [N], the class of each image. */
  labels: Tensor;
  /** Class names, indexed by label. */
  classes: string[];
}

interface Source {
  op: string;
  title: string;
  /** The cache folder's name and the environment variable that names a folder. */
  name: string;
  envVar: string;
  debianDir?: string;
  debianPackage?: string;
  urls: string;
  /** The folder URL `download` fetches from, and the MD5 of each official `.gz` file. */
  baseUrl: string;
  md5: Record<string, string>;
  classes: string[];
}

export const FASHION_MNIST: Source = {
  op: 'fashionMnist',
  title: 'Fashion-MNIST',
  name: 'fashion-mnist',
  envVar: 'MTL_FASHION_MNIST_DIR',
  debianDir: '/usr/share/datasets/fashion-mnist',
  debianPackage: 'dataset-fashion-mnist',
  urls: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  md5: {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
  },
  classes: [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
};

export const MNIST: Source = {
  op: 'mnist',
  title: 'MNIST',
  name: 'mnist',
  envVar: 'MTL_MNIST_DIR',
  urls: 'https://ossci-datasets.s3.amazonaws.com/mnist/ (a mirror of http://yann.lecun.com/exdb/mnist/)',
  baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  md5: {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
  },
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/** The two files of a split, without `.gz`. */
function fileNames(split: 'train' | 'test'): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

interface NodeApi {
  readFile(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  join(...parts: string[]): string;
  env: Record<string, string | undefined>;
  home: string;
}

async function nodeApi(): Promise<NodeApi | undefined> {
  const proc = (globalThis as { process?: { versions?: { node?: string }; env?: Record<string, string> } })
    .process;
  if (!proc?.versions?.node) return undefined;
  const fs = await nodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
  const path = await nodeBuiltin<typeof import('node:path')>('path');
  const os = await nodeBuiltin<typeof import('node:os')>('os');
  return {
    readFile: (p) => fs.readFile(p),
    exists: (p) =>
      fs.access(p).then(
        () => true,
        () => false,
      ),
    join: path.join,
    env: proc.env ?? {},
    home: os.homedir(),
  };
}

/** The per-user cache folder for a dataset (Node). */
function cacheFolder(node: Pick<NodeApi, 'env' | 'join' | 'home'>, name: string): string {
  return node.join(node.env.XDG_CACHE_HOME || node.join(node.home, '.cache'), 'mtl', name);
}

/** Loads a split of an MNIST-format dataset: see {@link fashionMnist}. */
export async function loadMnistFormat(source: Source, options: MnistOptions = {}): Promise<MnistSplit> {
  const { op } = source;
  const o = checkOptions(op, 'options', options, ['dir', 'split', 'download', 'mirror']);
  const download = checkBoolean(op, 'download', o.download, false);
  if (o.mirror !== undefined && (typeof o.mirror !== 'string' || !/^https?:\/\//.test(o.mirror))) {
    throw new ValueError(`${op}: mirror must be an http(s) URL of a folder — got ${formatValue(o.mirror)}`);
  }
  const split = checkChoice(op, 'split', o.split, ['train', 'test'] as const, 'train');
  if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === '')) {
    throw new ValueError(
      `${op}: dir must be a non-empty folder path (or URL in a browser) — got ${formatValue(o.dir)}`,
    );
  }
  const names = fileNames(split);
  const node = await nodeApi();
  const dir = o.dir as string | undefined;
  const fetchFrom = download ? ((o.mirror as string | undefined) ?? source.baseUrl) : undefined;
  const read = node
    ? await readFromFolders(source, node, dir, names, fetchFrom)
    : await fetchFiles(source, dir, names);
  const images = await readIdx(read.images.bytes, read.images.where);
  const labels = await readIdx(read.labels.bytes, read.labels.where);
  if (images.shape.length !== 3 || !(images.data instanceof Uint8Array)) {
    throw new DatasetError(
      `${read.images.where}: expected unsigned-byte images [N, H, W], got dims [${images.shape.join(', ')}]`,
    );
  }
  if (
    labels.shape.length !== 1 ||
    !(labels.data instanceof Uint8Array) ||
    labels.shape[0] !== images.shape[0]
  ) {
    throw new DatasetError(
      `${read.labels.where}: expected ${images.shape[0]} unsigned-byte labels (one per image of ${read.images.where}), got dims [${labels.shape.join(', ')}]`,
    );
  }
  const bad = labels.data.findIndex((l) => l >= source.classes.length);
  if (bad >= 0) {
    throw new DatasetError(
      `${read.labels.where}: label ${bad} is ${labels.data[bad]}, outside 0…${source.classes.length - 1}`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return {
    images: new Tensor(pixels, [n, 1, h, w], 'float32'),
    labels: new Tensor(Int32Array.from(labels.data), [n], 'int32'),
    classes: [...source.classes],
  };
}

interface Found {
  images: { bytes: Uint8Array; where: string };
  labels: { bytes: Uint8Array; where: string };
}

/**
 * The split's files from the first folder holding both (`.gz` or not), in the documented order;
 * if none does, downloaded (when `fetchFrom` is given) or else the error saying how to get them.
 */
async function readFromFolders(
  source: Source,
  node: NodeApi,
  dir: string | undefined,
  names: { images: string; labels: string },
  fetchFrom: string | undefined,
): Promise<Found> {
  const cache = cacheFolder(node, source.name);
  const folders =
    dir !== undefined
      ? [dir]
      : [node.env[source.envVar], cache, source.debianDir].filter(
          (f): f is string => typeof f === 'string' && f !== '',
        );
  for (const folder of folders) {
    const images = await firstExisting(node, folder, names.images);
    const labels = await firstExisting(node, folder, names.labels);
    if (images && labels) {
      return {
        images: { bytes: await node.readFile(images), where: images },
        labels: { bytes: await node.readFile(labels), where: labels },
      };
    }
  }
  if (fetchFrom !== undefined) {
    const target = dir ?? cache;
    const images = await downloadFile(source, node, fetchFrom, `${names.images}.gz`, target);
    const labels = await downloadFile(source, node, fetchFrom, `${names.labels}.gz`, target);
    return { images, labels };
  }
  const ways = [
    source.debianPackage
      ? `sudo apt-get install ${source.debianPackage} (Debian, Ubuntu; then omit dir)`
      : undefined,
    `{ download: true }`,
    `download the four .gz files from ${source.urls} into ${dir ?? cache}`,
  ].filter(Boolean);
  const elsewhere =
    dir === undefined ? `; or set $${source.envVar} or pass { dir } to a folder that has them` : '';
  const where = folders.length === 1 ? folders[0] : `any of: ${folders.join(', ')}`;
  throw new DatasetError(
    `${source.op}: the ${source.title} files ${names.images}(.gz) and ${names.labels}(.gz) are not in ${where} — get them with ${ways.join(', or ')}${elsewhere}`,
  );
}

/** MD5s of the official files, by file name (tests replace them to serve their own files). */
export const testHooks: { md5?: Record<string, string> } = {};

/**
 * Fetches `name` from the folder URL `from` into `folder`, checks it against the official MD5 and
 * writes it atomically; returns its bytes. Nothing is written when the fetch or the check fails.
 */
async function downloadFile(
  source: Source,
  node: NodeApi,
  from: string,
  name: string,
  folder: string,
): Promise<{ bytes: Uint8Array; where: string }> {
  const url = new URL(name, from.endsWith('/') ? from : `${from}/`).href;
  let bytes: Uint8Array;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new DatasetError(
      `${source.op}: could not download ${url} (${(error as Error).message}) — nothing was written`,
    );
  }
  const expected = (testHooks.md5 ?? source.md5)[name];
  const { createHash } = await nodeBuiltin<typeof import('node:crypto')>('crypto');
  const got = createHash('md5').update(bytes).digest('hex');
  if (got !== expected) {
    throw new DatasetError(
      `${source.op}: ${url} is not the official ${name} (MD5 ${got}, expected ${expected}; ${bytes.length} bytes) — nothing was written; try again or another mirror`,
    );
  }
  const { mkdir } = await nodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
  await mkdir(folder, { recursive: true });
  const path = node.join(folder, name);
  await writeFileAtomic(path, bytes, { op: source.op });
  return { bytes, where: path };
}

async function firstExisting(node: NodeApi, folder: string, name: string): Promise<string | undefined> {
  for (const candidate of [`${name}.gz`, name]) {
    const path = node.join(folder, candidate);
    if (await node.exists(path)) return path;
  }
  return undefined;
}

/** In a browser: both files fetched from the `dir` URL (`.gz` names). */
async function fetchFiles(
  source: Source,
  dir: string | undefined,
  names: { images: string; labels: string },
): Promise<Found> {
  if (dir === undefined) {
    throw new ValueError(
      `${source.op}: in a browser, pass { dir } with the URL of a folder serving ${names.images}.gz and ${names.labels}.gz (from ${source.urls})`,
    );
  }
  const get = async (name: string) => {
    const url = new URL(`${name}.gz`, dir.endsWith('/') ? dir : `${dir}/`).href;
    const response = await fetch(url);
    if (!response.ok)
      throw new DatasetError(`${source.op}: ${url} answered ${response.status} ${response.statusText}`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), where: url };
  };
  return { images: await get(names.images), labels: await get(names.labels) };
}
