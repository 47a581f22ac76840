/**
 * `data.dataset` and `data.options`: the datasets a config can name and the knobs of each, checked
 * against their bounds, so a bad value is refused by name before anything loads or trains.
 */
import { BOUNDS } from './bounds';
import { ConfigError, integer, known, numbers, object, show, string } from './configValues';

/** The datasets a config can name (`data.dataset`). */
export const DATASETS = [
  'penguins',
  'relatedTasks',
  'gradNormToy',
  'mmoeSynthetic',
  'multiFashion',
  'multiMnist',
  'multiFashionMnist',
  'cagradToy',
  'file',
] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Sener & Koltun's two-item images (1×28×28; tasks `left` and `right`, 10 classes each). */
export const IMAGE_DATASETS = ['multiFashion', 'multiMnist', 'multiFashionMnist'] as const;
export type ImageDatasetName = (typeof IMAGE_DATASETS)[number];

/** Whether a dataset is one of the image datasets (read from IDX files, trained with MultiLeNet). */
export function isImageDataset(dataset: string): dataset is ImageDatasetName {
  return (IMAGE_DATASETS as readonly string[]).includes(dataset);
}

const IMAGE_OPTIONS = ['trainImages', 'validationImages', 'testImages', 'seed', 'dir'] as const;

/** The knobs of each dataset (`data.options`). */
export const DATASET_OPTIONS: Record<DatasetName, readonly string[]> = {
  penguins: [],
  relatedTasks: ['tasks', 'samples', 'features', 'sharedFactors', 'taskFactors', 'conflict', 'noise'],
  gradNormToy: ['tasks', 'sigmas', 'inputDim', 'outputDim', 'samples'],
  mmoeSynthetic: ['correlation', 'tasks', 'samples', 'features'],
  multiFashion: IMAGE_OPTIONS,
  multiMnist: IMAGE_OPTIONS,
  // `dir` is MNIST's folder (the left item), `fashionDir` Fashion-MNIST's (the right one), as the library's.
  multiFashionMnist: [...IMAGE_OPTIONS, 'fashionDir'],
  cagradToy: [],
  file: [],
};

/**
 * The image datasets' subset when an option is left out: the first images of the official
 * files, few enough that the multifashion preset trains in about a minute on the CLI.
 */
export const IMAGE_DEFAULTS = {
  trainImages: 4000,
  validationImages: 1000,
  testImages: 1000,
  seed: 0,
} as const;

/** `data.options`: numeric knobs, gradNormToy's `sigmas` (one scale per task), the image folders. */
export interface DataOptions {
  [option: string]: number | number[] | string | undefined;
  sigmas?: number[];
  /** Where the IDX files are: a folder (CLI, relative to the config file) or a URL (the page). */
  dir?: string;
  fashionDir?: string;
}

/** Integer options and their ranges (others are numbers checked below or by the generator). */
export const OPTION_RANGES: Record<string, readonly [number, number]> = {
  tasks: [1, BOUNDS.tasks],
  samples: [1, BOUNDS.samples],
  features: [1, BOUNDS.dimension],
  inputDim: [1, BOUNDS.dimension],
  outputDim: [1, BOUNDS.dimension],
  sharedFactors: [0, BOUNDS.dimension],
  taskFactors: [0, BOUNDS.dimension],
  trainImages: [1, BOUNDS.trainImages],
  validationImages: [0, BOUNDS.trainImages - 1],
  testImages: [1, BOUNDS.testImages],
  seed: [0, BOUNDS.seedValue],
};

/** Checks `data.options` for a dataset; a ConfigError names the option, its range and the fix. */
export function datasetOptions(v: unknown, dataset: DatasetName): DataOptions {
  const raw = object(v, 'data.options');
  known(raw, DATASET_OPTIONS[dataset], 'data.options');
  const { sigmas: rawSigmas, dir, fashionDir, ...rest } = raw;
  const options: DataOptions = numbers(rest, 'data.options');
  for (const [k, x] of Object.entries(options)) {
    const range = OPTION_RANGES[k];
    if (range !== undefined) integer(x, `data.options.${k}`, range[0], range[1]);
  }
  if (rawSigmas !== undefined) options.sigmas = taskScales(rawSigmas, options.tasks as number | undefined);
  if (dir !== undefined) options.dir = string(dir, 'data.options.dir', true);
  if (fashionDir !== undefined) options.fashionDir = string(fashionDir, 'data.options.fashionDir', true);
  const n = options as Record<string, number | undefined>;
  if (isImageDataset(dataset)) checkImageCounts(n);
  if (dataset === 'mmoeSynthetic') checkMmoeSynthetic(n);
  const samples =
    n.samples ?? (dataset === 'gradNormToy' ? 512 : dataset === 'mmoeSynthetic' ? 10_000 : 1000);
  const tasks = n.tasks ?? options.sigmas?.length ?? 2;
  const width =
    dataset === 'relatedTasks'
      ? (n.features ?? 20) + tasks
      : dataset === 'gradNormToy'
        ? (n.inputDim ?? 250) + tasks * (n.outputDim ?? 100)
        : dataset === 'mmoeSynthetic'
          ? (n.features ?? 100) + tasks
          : 0;
  if (samples * width > BOUNDS.cells)
    throw new ConfigError(
      `data.options.samples: ${samples} samples of ${width} values each make ${samples * width} numbers, more than the ${BOUNDS.cells} allowed — use fewer samples or smaller dimensions`,
    );
  return options;
}

/** The training and validation images both come from the official training file. */
function checkImageCounts(o: Record<string, number | undefined>): void {
  const train = o.trainImages ?? IMAGE_DEFAULTS.trainImages;
  const validation = o.validationImages ?? IMAGE_DEFAULTS.validationImages;
  if (train + validation > BOUNDS.trainImages)
    throw new ConfigError(
      `data.options.validationImages: trainImages + validationImages = ${train + validation}, more than the ${BOUNDS.trainImages} images of the training file (validation images come after the training ones) — use fewer`,
    );
}

/** Ma et al.'s generator: a cosine between the tasks' weight vectors, and room for orthonormal directions. */
function checkMmoeSynthetic(o: Record<string, number | undefined>): void {
  const tasks = o.tasks ?? 2;
  const correlation = o.correlation ?? 0.5;
  const min = tasks > 2 ? 0 : -1;
  if (correlation < min || correlation > 1)
    throw new ConfigError(
      `data.options.correlation: expected a cosine from ${min} to 1${tasks > 2 ? ' (with more than 2 tasks every pair shares it, so it cannot be negative)' : ''}, got ${show(correlation)}`,
    );
  const features = o.features ?? 100;
  if (features < tasks + 1)
    throw new ConfigError(
      `data.options.features: mmoeSynthetic needs features ≥ tasks + 1 = ${tasks + 1} (an orthonormal direction per task and a shared one), got ${features} — add features or use fewer tasks`,
    );
}

/** gradNormToy's `sigmas`: one positive scale per task (as many as `tasks` when both are given). */
function taskScales(v: unknown, tasks: number | undefined): number[] {
  const field = 'data.options.sigmas';
  if (!Array.isArray(v) || v.length === 0)
    throw new ConfigError(
      `${field}: expected a list of task scales, one per task (e.g. [1, 10, 100]), got ${show(v)}`,
    );
  if (v.length > BOUNDS.tasks)
    throw new ConfigError(`${field}: expected at most ${BOUNDS.tasks} scales, got ${v.length}`);
  const scales = v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
      throw new ConfigError(`${field}[${i}]: expected a number > 0, got ${show(x)}`);
    return x;
  });
  if (tasks !== undefined && tasks !== scales.length)
    throw new ConfigError(
      `${field}: ${scales.length} scale${scales.length === 1 ? '' : 's'} for tasks=${tasks} — give one per task (or leave tasks out)`,
    );
  return scales;
}
