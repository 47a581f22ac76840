/**
 * The image datasets through the library's loaders (`multiFashion`, `multiMnist`,
 * `multiFashionMnist`): the first images of the official training file (training, then
 * validation) and of the test file, as one set of columns that records the split, so the page can
 * hand them to its training workers in one message.
 */
import {
  type DatasetColumns,
  type MultiMnistDataset,
  type MultiMnistOptions,
  multiFashion,
  multiFashionMnist,
  multiMnist,
} from '@mtl/multitask';
import { concat, Tensor } from '@mtl/tensor';
import { type ExperimentConfig, IMAGE_DEFAULTS, type ImageDatasetName, isImageDataset } from './config';

/**
 * Where the loader reads the IDX files: a folder in Node, a URL in a browser; left out, Node looks
 * where the library does ($MTL_FASHION_MNIST_DIR, ~/.cache/mtl, Debian's path). `dir` is MNIST's
 * folder for multiMnist and multiFashionMnist, Fashion-MNIST's for multiFashion; `fashionDir` is
 * Fashion-MNIST's for multiFashionMnist.
 */
export interface ImageFolders {
  dir?: string;
  fashionDir?: string;
}

/** Image columns in their own split: rows [0, train) train, then `validation` rows, then `test` rows. */
export interface SplitColumns extends DatasetColumns {
  split: { train: number; validation: number; test: number };
}

const LOADERS: Record<ImageDatasetName, (o: MultiMnistOptions) => Promise<MultiMnistDataset>> = {
  multiFashion,
  multiMnist,
  multiFashionMnist,
};

/** How many images of each file an image config uses. */
export function imageCounts(config: ExperimentConfig): SplitColumns['split'] {
  const o = config.data.options as Record<string, number | undefined>;
  return {
    train: o.trainImages ?? IMAGE_DEFAULTS.trainImages,
    validation: o.validationImages ?? IMAGE_DEFAULTS.validationImages,
    test: o.testImages ?? IMAGE_DEFAULTS.testImages,
  };
}

/**
 * Loads an image dataset's subset: the first images of each file (`limit`), the same images a
 * whole build would start with, since each image's partner is drawn in order.
 *
 * @throws DatasetError (from the library) when the files are missing or malformed; its message
 *   says where it looked and how to get them
 */
export async function loadImages(
  config: ExperimentConfig,
  folders: ImageFolders = {},
): Promise<SplitColumns> {
  const { dataset } = config.data;
  if (!isImageDataset(dataset)) throw new TypeError(`loadImages: ${dataset} is not an image dataset`);
  const counts = imageCounts(config);
  const seed = (config.data.options.seed as number | undefined) ?? IMAGE_DEFAULTS.seed;
  const load = (split: 'train' | 'test', count: number) =>
    LOADERS[dataset]({
      ...(folders.dir === undefined ? {} : { dir: folders.dir }),
      ...(folders.fashionDir === undefined ? {} : { fashionDir: folders.fashionDir }),
      split,
      seed,
      limit: count,
    });
  const train = await load('train', counts.train + counts.validation);
  const test = await load('test', counts.test);
  return {
    features: concat([train.features, test.features], 0),
    featureNames: [],
    labels: {
      left: concat([train.labels.left, test.labels.left], 0),
      right: concat([train.labels.right, test.labels.right], 0),
    },
    tasks: { ...train.tasks },
    split: counts,
  };
}

/** SplitColumns as plain arrays and numbers, the form structured cloning (postMessage) keeps intact. */
export interface PackedImages {
  features: { data: Float32Array; shape: number[] };
  labels: Record<string, Int32Array>;
  tasks: DatasetColumns['tasks'];
  split: SplitColumns['split'];
}

/** The columns as typed arrays (their buffers can be transferred to a worker). */
export function packImages(columns: SplitColumns): PackedImages {
  return {
    features: { data: columns.features.data as Float32Array, shape: [...columns.features.shape] },
    labels: Object.fromEntries(Object.entries(columns.labels).map(([t, l]) => [t, l.data as Int32Array])),
    tasks: columns.tasks,
    split: columns.split,
  };
}

/** The columns again as tensors, on the worker's side (no copy). */
export function unpackImages(packed: PackedImages): SplitColumns {
  return {
    features: new Tensor(packed.features.data, packed.features.shape, 'float32'),
    featureNames: [],
    labels: Object.fromEntries(
      Object.entries(packed.labels).map(([t, l]) => [t, new Tensor(l, [l.length], 'int32')]),
    ),
    tasks: packed.tasks,
    split: packed.split,
  };
}
