/**
 * The experiment config: one JSON document that says what to run, shared by the CLI and the web
 * page. Every field has a default; unknown fields and bad values are rejected with a message
 * naming the field. Optimizer options and method hyperparameters are checked by building the
 * optimizer and the methods once, so their own messages (naming the option) reach the user.
 */
import { Parameter } from '@mtl/autograd';
import { zeros } from '@mtl/tensor';
import { BOUNDS } from './bounds';
import {
  ConfigError,
  integer,
  integers,
  key,
  known,
  list,
  numbers,
  object,
  oneOf,
  positive,
  show,
  string,
} from './configValues';
import { DATASETS, type DataOptions, type DatasetName, datasetOptions, isImageDataset } from './dataOptions';
import { METHOD_TABLE, METHODS, type MethodName, methodFactory } from './methods';
import { OPTIMIZERS, type OptimizerName, optimizerFactory } from './optimizers';
import { parseSweep, type SweepSpec } from './sweep/sweepSpec';

export { BOUNDS } from './bounds';
export { ConfigError, show } from './configValues';
export {
  DATASET_OPTIONS,
  DATASETS,
  type DataOptions,
  IMAGE_DATASETS,
  IMAGE_DEFAULTS,
  type ImageDatasetName,
  isImageDataset,
} from './dataOptions';
export { METHODS, OPTIMIZERS };

/**
 * Model families: MLP-based ones for feature vectors, and `multilenet` (Sener & Koltun's
 * MultiLeNet: a shared LeNet encoder, a 50 → 50 → 10 head per task) for the 1×28×28 images.
 */
export const ARCHITECTURES = ['hps', 'mmoe', 'cgc', 'ple', 'crossstitch', 'multilenet'] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid'] as const;
export const SCHEDULES = ['none', 'step', 'exponential', 'cosine'] as const;
export const TASK_TYPES = ['regression', 'binary', 'multiclass'] as const;

export type TaskType = (typeof TASK_TYPES)[number];

/** A table read from a CSV or JSON file: which columns are features and which are tasks. */
export interface FileData {
  /** The file (relative to the working directory for the CLI; just its name on the web page). */
  path: string;
  /** Feature columns: numbers, or strings (one-hot encoded). */
  features: string[];
  /** Task columns and their types (a null-prototype record: any column name works). */
  tasks: Record<string, TaskType>;
  /**
   * Drop the rows with a non-numeric cell in a numeric column (reporting how many) instead of
   * refusing the file. Default false.
   */
  dropBadRows?: boolean;
}

export interface ExperimentConfig {
  name: string;
  data: {
    dataset: DatasetName;
    /** Train/validation/test fractions (the image datasets use their official files instead). */
    split: [number, number, number];
    /**
     * Options of the datasets (e.g. { tasks: 4, conflict: 0.5 } for relatedTasks): numbers, for
     * gradNormToy `sigmas` (one task scale per task), for the image datasets the folder `dir`.
     */
    options: DataOptions;
    /** The table for `dataset: 'file'`. */
    file: FileData | null;
  };
  architecture: {
    type: ArchitectureName;
    /** Hidden sizes of the shared encoder (HPS), of each expert (MMoE/CGC/PLE) or of each column (Cross-stitch). */
    hidden: number[];
    /**
     * `hidden` for one compared architecture, e.g. `{ hps: [113] }`: when architectures are
     * compared, each can be given about the same parameter count (one 113-unit shared layer
     * against MMoE's 8 experts of 16).
     */
    hiddenByType: Partial<Record<ArchitectureName, number[]>>;
    activation: (typeof ACTIVATIONS)[number];
    /** Shared experts (MMoE, CGC, PLE). */
    experts: number;
    /** Experts per task (CGC, PLE). */
    taskExperts: number;
    /** Extraction levels (PLE). */
    levels: number;
  };
  optimizer: {
    name: OptimizerName;
    lr: number;
    /** Any other option of the optimizer, by its @mtl/optim name (e.g. { weightDecay: 1e-4 }). */
    options: Record<string, number | boolean | number[]>;
    /** Learning-rate schedule, stepped once per epoch. */
    schedule: { type: (typeof SCHEDULES)[number]; stepSize: number; gamma: number };
  };
  /** Weighting methods to compare. */
  methods: MethodName[];
  /** Hyperparameters by method, e.g. { cagrad: { calpha: 0.4 } }. */
  methodOptions: Partial<Record<MethodName, Record<string, number>>>;
  /** Optimizers to compare (each with `optimizer.lr`); empty = just `optimizer.name`. */
  optimizers: OptimizerName[];
  /** Architectures to compare (each with the sizes of `architecture`); empty = just `architecture.type`. */
  architectures: ArchitectureName[];
  /** Epochs (for the 2-D CAGrad toy: optimisation steps). */
  epochs: number;
  batchSize: number;
  seeds: number[];
  /** Fields to vary and how each method's setting is chosen (`mtl-playground sweep`); null for none. */
  sweep: SweepSpec | null;
}

export const DEFAULT_CONFIG: ExperimentConfig = {
  name: 'penguins',
  data: { dataset: 'penguins', split: [0.6, 0.2, 0.2], options: {}, file: null },
  architecture: {
    type: 'hps',
    hidden: [32],
    hiddenByType: {},
    activation: 'relu',
    experts: 4,
    taskExperts: 1,
    levels: 2,
  },
  optimizer: { name: 'adam', lr: 0.01, options: {}, schedule: { type: 'none', stepSize: 10, gamma: 0.5 } },
  methods: ['ew', 'uw', 'gradnorm', 'pcgrad', 'mgda', 'cagrad', 'nashmtl', 'upgrad'],
  methodOptions: {},
  optimizers: [],
  architectures: [],
  epochs: 40,
  batchSize: 32,
  seeds: [0, 1, 2],
  sweep: null,
};

/**
 * Fills defaults into a partial config and validates every field against its type and
 * {@link BOUNDS}; a ConfigError names the first bad field, what it got and what it takes.
 */
export function parseConfig(input: unknown): ExperimentConfig {
  checkDepth(input);
  const raw = object(input, 'config');
  // `$schema` points an editor at config.schema.json; the run ignores it.
  known(raw, [...Object.keys(DEFAULT_CONFIG), '$schema'], 'config');
  if (raw.$schema !== undefined) string(raw.$schema, '$schema', true);
  const d = DEFAULT_CONFIG;
  const data = object(raw.data ?? {}, 'data');
  known(data, Object.keys(d.data), 'data');
  const architecture = object(raw.architecture ?? {}, 'architecture');
  known(architecture, Object.keys(d.architecture), 'architecture');
  const optimizer = object(raw.optimizer ?? {}, 'optimizer');
  known(optimizer, Object.keys(d.optimizer), 'optimizer');
  const schedule = object(optimizer.schedule ?? {}, 'optimizer.schedule');
  known(schedule, Object.keys(d.optimizer.schedule), 'optimizer.schedule');
  const dataset = oneOf(data.dataset ?? d.data.dataset, DATASETS, 'data.dataset');
  const options = datasetOptions(data.options ?? {}, dataset);
  const file = data.file === undefined || data.file === null ? null : fileData(data.file);
  const config: ExperimentConfig = {
    // Unnamed, an experiment is named after its data (a data file: the file's name), so runs on
    // different data do not overwrite each other's results.
    name: fileName(raw.name ?? defaultName({ dataset, file }), 'name'),
    data: { dataset, split: split(data.split ?? d.data.split), options, file },
    architecture: {
      // The images take only MultiLeNet, so it is their default.
      type: oneOf(
        architecture.type ?? (isImageDataset(dataset) ? 'multilenet' : d.architecture.type),
        ARCHITECTURES,
        'architecture.type',
      ),
      hidden: integers(
        architecture.hidden ?? d.architecture.hidden,
        'architecture.hidden',
        1,
        BOUNDS.width,
        BOUNDS.hiddenLayers,
      ),
      hiddenByType: hiddenByType(architecture.hiddenByType ?? d.architecture.hiddenByType),
      activation: oneOf(
        architecture.activation ?? d.architecture.activation,
        ACTIVATIONS,
        'architecture.activation',
      ),
      experts: integer(
        architecture.experts ?? d.architecture.experts,
        'architecture.experts',
        1,
        BOUNDS.experts,
      ),
      taskExperts: integer(
        architecture.taskExperts ?? d.architecture.taskExperts,
        'architecture.taskExperts',
        1,
        BOUNDS.experts,
      ),
      levels: integer(architecture.levels ?? d.architecture.levels, 'architecture.levels', 1, BOUNDS.levels),
    },
    optimizer: {
      name: oneOf(optimizer.name ?? d.optimizer.name, OPTIMIZERS, 'optimizer.name'),
      lr: positive(optimizer.lr ?? d.optimizer.lr, 'optimizer.lr'),
      options: object(
        optimizer.options ?? {},
        'optimizer.options',
      ) as ExperimentConfig['optimizer']['options'],
      schedule: {
        type: oneOf(schedule.type ?? d.optimizer.schedule.type, SCHEDULES, 'optimizer.schedule.type'),
        stepSize: integer(
          schedule.stepSize ?? d.optimizer.schedule.stepSize,
          'optimizer.schedule.stepSize',
          1,
          BOUNDS.stepSize,
        ),
        gamma: positive(schedule.gamma ?? d.optimizer.schedule.gamma, 'optimizer.schedule.gamma'),
      },
    },
    methods: list(raw.methods ?? d.methods, 'methods').map((m, i) => oneOf(m, METHODS, `methods[${i}]`)),
    methodOptions: methodOptions(raw.methodOptions ?? {}),
    optimizers: list(raw.optimizers ?? d.optimizers, 'optimizers').map((o, i) =>
      oneOf(o, OPTIMIZERS, `optimizers[${i}]`),
    ),
    architectures: list(raw.architectures ?? d.architectures, 'architectures').map((a, i) =>
      oneOf(a, ARCHITECTURES, `architectures[${i}]`),
    ),
    epochs: integer(raw.epochs ?? d.epochs, 'epochs', 1, BOUNDS.epochs),
    batchSize: integer(raw.batchSize ?? d.batchSize, 'batchSize', 1, BOUNDS.batchSize),
    seeds: integers(raw.seeds ?? d.seeds, 'seeds', 0, BOUNDS.seedValue, BOUNDS.seeds),
    sweep: raw.sweep === undefined || raw.sweep === null ? null : parseSweep(raw.sweep),
  };
  if (config.methods.length === 0) throw new ConfigError('methods: list at least one method');
  if (new Set(config.methods).size !== config.methods.length)
    throw new ConfigError(`methods: a method is listed twice in ${show(config.methods)}`);
  if (config.seeds.length === 0) throw new ConfigError('seeds: list at least one seed');
  if (dataset === 'file' && config.data.file === null)
    throw new ConfigError('data.file: dataset "file" needs { path, features, tasks }');
  if (new Set(config.optimizers).size !== config.optimizers.length)
    throw new ConfigError(`optimizers: an optimizer is listed twice in ${show(config.optimizers)}`);
  checkArchitectures(config);
  if (isImageDataset(dataset) && JSON.stringify(config.data.split) !== JSON.stringify(d.data.split))
    throw new ConfigError(
      `data.split: ${dataset} comes with its own training and test files — set data.options.trainImages, validationImages and testImages instead`,
    );
  if (
    config.architecture.hidden.length === 0 &&
    config.data.dataset !== 'cagradToy' &&
    compared(config).some((a) => a !== 'multilenet')
  ) {
    const gradient = config.methods.find((m) => methodFactory(m, ['a', 'b']).make().level === 'gradient');
    if (gradient !== undefined)
      throw new ConfigError(
        `architecture.hidden: ${METHOD_TABLE[gradient].label} combines the tasks' gradients of the shared layers, and an empty hidden list has none — add a hidden layer (e.g. [32]) or use loss-weighting methods only`,
      );
  }
  if (config.data.dataset === 'cagradToy') {
    const i = config.methods.findIndex((m) => Object.hasOwn(TOY_UNSUITED, m));
    if (i >= 0)
      throw new ConfigError(
        `methods[${i}]: ${METHOD_TABLE[config.methods[i]!].label} ${TOY_UNSUITED[config.methods[i]!]}, so it cannot run on the CAGrad toy — choose another method`,
      );
  }
  checkByBuilding(config);
  return config;
}

/** `architecture.hiddenByType`: architecture names to hidden-size lists, each checked as `hidden`. */
function hiddenByType(v: unknown): Partial<Record<ArchitectureName, number[]>> {
  const raw = object(v, 'architecture.hiddenByType');
  known(raw, [...ARCHITECTURES], 'architecture.hiddenByType');
  return Object.fromEntries(
    Object.entries(raw).map(([type, hidden]) => [
      type,
      integers(hidden, `architecture.hiddenByType.${type}`, 1, BOUNDS.width, BOUNDS.hiddenLayers),
    ]),
  );
}

/** The architecture settings one compared architecture is built with: its own hidden sizes if given. */
export function architectureFor(config: Pick<ExperimentConfig, 'architecture'>, type: ArchitectureName) {
  return {
    ...config.architecture,
    type,
    hidden: config.architecture.hiddenByType[type] ?? config.architecture.hidden,
  };
}

/** The architectures a config trains: the compared ones, or just `architecture.type`. */
export function compared(
  config: Pick<ExperimentConfig, 'architecture' | 'architectures'>,
): ArchitectureName[] {
  return config.architectures.length > 0 ? config.architectures : [config.architecture.type];
}

/** Each architecture must take the dataset's inputs (MultiLeNet images, the others feature vectors). */
function checkArchitectures(config: ExperimentConfig): void {
  const { dataset } = config.data;
  if (new Set(config.architectures).size !== config.architectures.length)
    throw new ConfigError(`architectures: an architecture is listed twice in ${show(config.architectures)}`);
  const fields: [ArchitectureName, string][] =
    config.architectures.length > 0
      ? config.architectures.map((a, i) => [a, `architectures[${i}]`])
      : [[config.architecture.type, 'architecture.type']];
  for (const [type, field] of fields) {
    if (isImageDataset(dataset) && type !== 'multilenet')
      throw new ConfigError(
        `${field}: ${dataset}'s inputs are 1×28×28 images, and ${ARCHITECTURE_LABELS[type]} takes feature vectors — use "multilenet" (Sener & Koltun's MultiLeNet; the default for images)`,
      );
    if (!isImageDataset(dataset) && type === 'multilenet' && dataset !== 'cagradToy')
      throw new ConfigError(
        `${field}: multilenet takes 1×28×28 images, and ${dataset} has feature vectors — choose hps, mmoe, cgc, ple or crossstitch`,
      );
    const own = config.architecture.hiddenByType[type] !== undefined;
    if (type !== 'hps' && type !== 'multilenet' && architectureFor(config, type).hidden.length === 0)
      throw new ConfigError(
        `architecture.${own ? `hiddenByType.${type}` : 'hidden'}: ${ARCHITECTURE_LABELS[type]} needs at least one hidden layer (e.g. [32])`,
      );
  }
}

/** Methods the 2-D CAGrad toy cannot run, and why. */
const TOY_UNSUITED: Partial<Record<MethodName, string>> = {
  gls: 'takes the geometric mean of the losses, which needs every loss > 0, and the toy’s losses go below 0',
  stch: 'takes logarithms of the losses, which needs every loss > 0, and the toy’s losses go below 0',
  graddrop: 'works on a shared representation, and the toy has none (it optimises x directly)',
  krum: 'needs at least three tasks (nByzantine + 3), and the toy has two',
  trimmedmean: 'needs at least three tasks (2·trim + 1), and the toy has two',
};

/** Builds the optimizers and methods once on a dummy parameter, so their own checks name the bad option. */
function checkByBuilding(config: ExperimentConfig): void {
  const dummy = [new Parameter(zeros([1]))];
  for (const name of new Set([config.optimizer.name, ...config.optimizers])) {
    try {
      optimizerFactory({ ...config.optimizer, name })(dummy);
    } catch (e) {
      throw new ConfigError(`optimizer.options: ${(e as Error).message}`);
    }
  }
  for (const [name, options] of Object.entries(config.methodOptions)) {
    try {
      methodFactory(name as MethodName, ['a', 'b'], options).make();
    } catch (e) {
      throw new ConfigError(`methodOptions.${name}: ${(e as Error).message}`);
    }
  }
}

function fileData(v: unknown): FileData {
  const o = object(v, 'data.file');
  known(o, ['path', 'features', 'tasks', 'dropBadRows'], 'data.file');
  const features = list(o.features ?? [], 'data.file.features', BOUNDS.featureColumns).map((f, i) =>
    string(f, `data.file.features[${i}]`, true),
  );
  if (features.length === 0) throw new ConfigError('data.file.features: list at least one feature column');
  const twice = features.find((f, i) => features.indexOf(f) !== i);
  if (twice !== undefined)
    throw new ConfigError(`data.file.features: the column ${show(twice)} is listed twice`);
  const raw = object(o.tasks ?? {}, 'data.file.tasks');
  const entries = Object.entries(raw);
  if (entries.length === 0)
    throw new ConfigError('data.file.tasks: name at least one task column and its type');
  if (entries.length > BOUNDS.tasks)
    throw new ConfigError(`data.file.tasks: expected at most ${BOUNDS.tasks} tasks, got ${entries.length}`);
  // A null-prototype record: a column may be called "__proto__" or "constructor".
  const tasks: Record<string, TaskType> = Object.create(null);
  for (const [column, type] of entries) {
    const field = `data.file.tasks${key(column)}`;
    string(column, field, true);
    tasks[column] = oneOf(type, TASK_TYPES, field);
    if (features.includes(column)) throw new ConfigError(`${field}: the column is also a feature`);
    // A task names its head in the model (and in the saved state dict), where '.' separates names.
    if (column.includes('.'))
      throw new ConfigError(
        `${field}: a task column's name is its head's name in the model and may not contain '.' (rename the column, e.g. ${JSON.stringify(column.replaceAll('.', '_'))})`,
      );
  }
  const dropBadRows = o.dropBadRows ?? false;
  if (typeof dropBadRows !== 'boolean')
    throw new ConfigError(`data.file.dropBadRows: expected true or false, got ${show(dropBadRows)}`);
  const file: FileData = { path: string(o.path ?? '', 'data.file.path', true), features, tasks };
  if (dropBadRows) file.dropBadRows = true;
  return file;
}

function methodOptions(v: unknown): ExperimentConfig['methodOptions'] {
  const o = object(v, 'methodOptions');
  known(o, METHODS, 'methodOptions');
  for (const [method, options] of Object.entries(o)) {
    const values = numbers(options, `methodOptions.${method}`);
    known(values, Object.keys(METHOD_TABLE[method as MethodName].hyperparameters), `methodOptions.${method}`);
    for (const [k, x] of Object.entries(values)) {
      // Seeds and counts (maxIter, warmupEpochs, updateWeightsEvery) must stay integers a run can finish.
      if (Math.abs(x) > BOUNDS.methodOption)
        throw new ConfigError(
          `methodOptions.${method}.${k}: expected a number from -${BOUNDS.methodOption} to ${BOUNDS.methodOption}, got ${x}`,
        );
    }
  }
  return o as ExperimentConfig['methodOptions'];
}

export const ARCHITECTURE_LABELS: Record<ArchitectureName, string> = {
  hps: 'Hard sharing',
  mmoe: 'MMoE',
  cgc: 'CGC',
  ple: 'PLE',
  crossstitch: 'Cross-stitch',
  multilenet: 'MultiLeNet',
};

/**
 * Refuses a config nested deeper than any real one before anything recurses over it (a link or a
 * file nested thousands deep would otherwise overflow the stack in JSON.stringify).
 */
function checkDepth(input: unknown): void {
  const stack: [unknown, number, string][] = [[input, 0, 'config']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= BOUNDS.depth)
      throw new ConfigError(
        `${path.length > 80 ? `${path.slice(0, 80)}…` : path}: the config is nested more than ${BOUNDS.depth} levels deep; an experiment config is at most 5 (see the README)`,
      );
    for (const [k, x] of Object.entries(v))
      stack.push([x, depth + 1, `${path}${Array.isArray(v) ? `[${k}]` : key(k)}`]);
  }
}

/** The name of an unnamed experiment: its dataset's, or its data file's. */
export function defaultName(data: Pick<ExperimentConfig['data'], 'dataset' | 'file'>): string {
  return nameFrom(data.dataset === 'file' && data.file !== null ? data.file.path : data.dataset);
}

/**
 * A default name from a path or a word: its last part without the extension, characters a file
 * name cannot hold as `_`, at most 48 characters ("data/my penguins.csv" → "my penguins").
 */
export function nameFrom(path: string): string {
  const name = Array.from(
    (path.split(/[\\/]/).pop() ?? '')
      .replace(/\.[^.]*$/, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
      .replace(/[\u0000-\u001f\u007f-\u009f:*?"<>|]/g, '_')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '_')
      .replace(/^[.\s]+|[.\s]+$/g, ''),
  )
    .slice(0, 48)
    .join('')
    .trim();
  return name === '' ? 'experiment' : name;
}

/** What a name that becomes a file name may not contain: control and path characters (a RegExp class body). */
export const NAME_FORBIDDEN = String.raw`\u0000-\u001f\u007f-\u009f/\\:*?"<>|`;
const NAME_FORBIDDEN_CHARACTER = new RegExp(`[${NAME_FORBIDDEN}]`);

/** A name that becomes a file name (`<out>/<name>.json`): printable, no path characters, not too long. */
function fileName(v: unknown, field: string): string {
  const name = string(v, field, true);
  const why =
    name.length > BOUNDS.name || new TextEncoder().encode(name).length > 200
      ? `at most ${BOUNDS.name} characters (200 UTF-8 bytes)`
      : NAME_FORBIDDEN_CHARACTER.test(name)
        ? 'no control characters and none of / \\ : * ? " < > |'
        : /^[.\s]|[.\s]$/.test(name)
          ? 'no dot or space at the start or end'
          : /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)
            ? 'valid Unicode text'
            : null;
  if (why !== null)
    throw new ConfigError(`${field}: the name becomes a file name, so it needs ${why} — got ${show(name)}`);
  return name;
}

function split(v: unknown): [number, number, number] {
  const s = list(v, 'data.split');
  if (
    s.length !== 3 ||
    s.some((x) => typeof x !== 'number' || !(x >= 0)) ||
    Math.abs((s as number[]).reduce((a, b) => a + b, 0) - 1) > 1e-9
  ) {
    throw new ConfigError(`data.split: expected three fractions ≥ 0 that sum to 1, got ${show(v)}`);
  }
  return s as [number, number, number];
}
