import { checkChoice, formatValue, Tensor, ValueError } from '@mtl/tensor';
import { checkOptions } from '../../data/check';
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
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const os = await import('node:os');
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
export function cacheFolder(node: Pick<NodeApi, 'env' | 'join' | 'home'>, name: string): string {
  return node.join(node.env.XDG_CACHE_HOME || node.join(node.home, '.cache'), 'mtl', name);
}

/** Loads a split of an MNIST-format dataset: see {@link fashionMnist}. */
export async function loadMnistFormat(source: Source, options: MnistOptions = {}): Promise<MnistSplit> {
  const { op } = source;
  const o = checkOptions(op, 'options', options, ['dir', 'split']);
  const split = checkChoice(op, 'split', o.split, ['train', 'test'] as const, 'train');
  if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === '')) {
    throw new ValueError(
      `${op}: dir must be a non-empty folder path (or URL in a browser) — got ${formatValue(o.dir)}`,
    );
  }
  const names = fileNames(split);
  const node = await nodeApi();
  const read = node
    ? await findInFolders(source, node, o.dir as string | undefined, names)
    : await fetchFiles(source, o.dir as string | undefined, names);
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

/** The first folder holding both files (`.gz` or not), in the documented order. */
async function findInFolders(
  source: Source,
  node: NodeApi,
  dir: string | undefined,
  names: { images: string; labels: string },
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
  const ways = [
    source.debianPackage
      ? `sudo apt-get install ${source.debianPackage} (Debian, Ubuntu; then omit dir)`
      : undefined,
    `download the four .gz files from ${source.urls} into ${dir ?? cache}`,
  ].filter(Boolean);
  const elsewhere =
    dir === undefined ? `; or set $${source.envVar} or pass { dir } to a folder that has them` : '';
  const where = folders.length === 1 ? folders[0] : `any of: ${folders.join(', ')}`;
  throw new DatasetError(
    `${source.op}: the ${source.title} files ${names.images}(.gz) and ${names.labels}(.gz) are not in ${where} — get them with ${ways.join(', or ')}${elsewhere}`,
  );
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
