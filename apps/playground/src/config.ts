/**
 * The experiment config: one JSON document that says what to run, shared by the CLI and the web
 * page. Every field has a default; unknown fields and bad values are rejected with a message
 * naming the field. Optimizer options and method hyperparameters are checked by building the
 * optimizer and the methods once, so their own messages (naming the option) reach the user.
 */
import { Parameter } from '@mtl/autograd';
import { zeros } from '@mtl/tensor';
import { METHOD_TABLE, METHODS, type MethodName, methodFactory } from './methods';
import { OPTIMIZERS, type OptimizerName, optimizerFactory } from './optimizers';

export { METHODS, OPTIMIZERS };

export const DATASETS = ['penguins', 'relatedTasks', 'gradNormToy', 'cagradToy', 'file'] as const;
export const ARCHITECTURES = ['hps', 'mmoe', 'cgc', 'ple', 'crossstitch'] as const;
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid'] as const;
export const SCHEDULES = ['none', 'step', 'exponential', 'cosine'] as const;
export const TASK_TYPES = ['regression', 'binary', 'multiclass'] as const;

/** The knobs of each dataset's generator (`data.options`). */
export const DATASET_OPTIONS: Record<(typeof DATASETS)[number], readonly string[]> = {
  penguins: [],
  relatedTasks: ['tasks', 'samples', 'features', 'sharedFactors', 'taskFactors', 'conflict', 'noise'],
  gradNormToy: ['tasks', 'sigmas', 'inputDim', 'outputDim', 'samples'],
  cagradToy: [],
  file: [],
};

/**
 * The bounds of every numeric config field: generous for real use, small enough that every run
 * finishes (and fits in memory) — `epochs: 1e15` or a million-wide layer is refused up front.
 */
export const BOUNDS = {
  /** Characters of `name` (it becomes a file name: also at most 200 UTF-8 bytes). */
  name: 100,
  epochs: 100_000,
  batchSize: 65_536,
  seeds: 100,
  /** Seed values are integers 0 … 2³² − 1. */
  seedValue: 4_294_967_295,
  hiddenLayers: 16,
  width: 4_096,
  experts: 64,
  levels: 8,
  stepSize: 100_000,
  tasks: 64,
  samples: 1_000_000,
  /** features / inputDim / outputDim / factors of the synthetic datasets. */
  dimension: 4_096,
  /** samples × (features + labels) of a synthetic dataset. */
  cells: 2 ** 25,
  /** Parameters of the model built for the data (checked once the input size is known). */
  parameters: 2 ** 24,
  /** Feature columns of a data file. */
  featureColumns: 4_096,
  /** Characters of a path or a column name. */
  text: 1_000,
  /** Nesting of the config's JSON (the real config is at most 5 levels deep). */
  depth: 16,
} as const;

/** Integer options of the synthetic datasets and their ranges (others are numbers the generator checks). */
const OPTION_RANGES: Record<string, readonly [number, number]> = {
  tasks: [1, BOUNDS.tasks],
  samples: [1, BOUNDS.samples],
  features: [1, BOUNDS.dimension],
  inputDim: [1, BOUNDS.dimension],
  outputDim: [1, BOUNDS.dimension],
  sharedFactors: [0, BOUNDS.dimension],
  taskFactors: [0, BOUNDS.dimension],
};

export type TaskType = (typeof TASK_TYPES)[number];

/** `data.options`: numeric knobs, plus gradNormToy's `sigmas` (one scale per task). */
export interface DataOptions {
  [option: string]: number | number[] | undefined;
  sigmas?: number[];
}

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
    dataset: (typeof DATASETS)[number];
    /** Train/validation/test fractions. */
    split: [number, number, number];
    /**
     * Options of the synthetic generators (e.g. { tasks: 4, conflict: 0.5 } for relatedTasks):
     * numbers, and for gradNormToy `sigmas`, one task scale per task.
     */
    options: DataOptions;
    /** The table for `dataset: 'file'`. */
    file: FileData | null;
  };
  architecture: {
    type: (typeof ARCHITECTURES)[number];
    /** Hidden sizes of the shared encoder (HPS), of each expert (MMoE/CGC/PLE) or of each column (Cross-stitch). */
    hidden: number[];
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
  /** Epochs (for the 2-D CAGrad toy: optimisation steps). */
  epochs: number;
  batchSize: number;
  seeds: number[];
}

export const DEFAULT_CONFIG: ExperimentConfig = {
  name: 'penguins',
  data: { dataset: 'penguins', split: [0.6, 0.2, 0.2], options: {}, file: null },
  architecture: { type: 'hps', hidden: [32], activation: 'relu', experts: 4, taskExperts: 1, levels: 2 },
  optimizer: { name: 'adam', lr: 0.01, options: {}, schedule: { type: 'none', stepSize: 10, gamma: 0.5 } },
  methods: ['ew', 'uw', 'gradnorm', 'pcgrad', 'mgda', 'cagrad', 'nashmtl', 'upgrad'],
  methodOptions: {},
  optimizers: [],
  epochs: 40,
  batchSize: 32,
  seeds: [0, 1, 2],
};

/** A config that does not validate; the message names the field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Fills defaults into a partial config and validates every field against its type and
 * {@link BOUNDS}; a ConfigError names the first bad field, what it got and what it takes.
 */
export function parseConfig(input: unknown): ExperimentConfig {
  checkDepth(input);
  const raw = object(input, 'config');
  known(raw, Object.keys(DEFAULT_CONFIG), 'config');
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
  const config: ExperimentConfig = {
    name: fileName(raw.name ?? d.name, 'name'),
    data: {
      dataset,
      split: split(data.split ?? d.data.split),
      options,
      file: data.file === undefined || data.file === null ? null : fileData(data.file),
    },
    architecture: {
      type: oneOf(architecture.type ?? d.architecture.type, ARCHITECTURES, 'architecture.type'),
      hidden: integers(
        architecture.hidden ?? d.architecture.hidden,
        'architecture.hidden',
        1,
        BOUNDS.width,
        BOUNDS.hiddenLayers,
      ),
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
    epochs: integer(raw.epochs ?? d.epochs, 'epochs', 1, BOUNDS.epochs),
    batchSize: integer(raw.batchSize ?? d.batchSize, 'batchSize', 1, BOUNDS.batchSize),
    seeds: integers(raw.seeds ?? d.seeds, 'seeds', 0, BOUNDS.seedValue, BOUNDS.seeds),
  };
  if (config.methods.length === 0) throw new ConfigError('methods: list at least one method');
  if (new Set(config.methods).size !== config.methods.length)
    throw new ConfigError(`methods: a method is listed twice in ${show(config.methods)}`);
  if (config.seeds.length === 0) throw new ConfigError('seeds: list at least one seed');
  if (dataset === 'file' && config.data.file === null)
    throw new ConfigError('data.file: dataset "file" needs { path, features, tasks }');
  if (new Set(config.optimizers).size !== config.optimizers.length)
    throw new ConfigError(`optimizers: an optimizer is listed twice in ${show(config.optimizers)}`);
  if (config.architecture.type !== 'hps' && config.architecture.hidden.length === 0)
    throw new ConfigError(
      `architecture.hidden: ${ARCHITECTURE_LABELS[config.architecture.type]} needs at least one hidden layer (e.g. [32])`,
    );
  if (config.architecture.hidden.length === 0 && config.data.dataset !== 'cagradToy') {
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

/** Methods the 2-D CAGrad toy cannot run, and why. */
const TOY_UNSUITED: Partial<Record<MethodName, string>> = {
  gls: 'takes the geometric mean of the losses, which needs every loss > 0, and the toy’s losses go below 0',
  stch: 'takes logarithms of the losses, which needs every loss > 0, and the toy’s losses go below 0',
  graddrop: 'works on a shared representation, and the toy has none (it optimises x directly)',
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
      if (Math.abs(x) > BOUNDS.epochs * 10)
        throw new ConfigError(
          `methodOptions.${method}.${k}: expected a number from -${BOUNDS.epochs * 10} to ${BOUNDS.epochs * 10}, got ${x}`,
        );
    }
  }
  return o as ExperimentConfig['methodOptions'];
}

const ARCHITECTURE_LABELS: Record<(typeof ARCHITECTURES)[number], string> = {
  hps: 'Hard sharing',
  mmoe: 'MMoE',
  cgc: 'CGC',
  ple: 'PLE',
  crossstitch: 'Cross-stitch',
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

/** `.name`, or `["odd name"]` for a key that would not read as one. */
function key(k: string): string {
  if (/^[\p{L}\p{N}_$-]{1,60}$/u.test(k)) return `.${k}`;
  const quoted = JSON.stringify(k);
  return `[${quoted.length > 60 ? `${quoted.slice(0, 60)}…"` : quoted}]`;
}

function datasetOptions(v: unknown, dataset: (typeof DATASETS)[number]): DataOptions {
  const { sigmas: rawSigmas, ...rest } = object(v, 'data.options');
  known(v as Record<string, unknown>, [...DATASET_OPTIONS[dataset]], 'data.options');
  const options = numbers(rest, 'data.options');
  const sigmas = rawSigmas === undefined ? undefined : taskScales(rawSigmas, options.tasks);
  for (const [k, x] of Object.entries(options)) {
    const range = OPTION_RANGES[k];
    if (range !== undefined) integer(x, `data.options.${k}`, range[0], range[1]);
  }
  const samples = options.samples ?? (dataset === 'gradNormToy' ? 512 : 1000);
  const width =
    dataset === 'relatedTasks'
      ? (options.features ?? 20) + (options.tasks ?? 2)
      : dataset === 'gradNormToy'
        ? (options.inputDim ?? 250) + (options.tasks ?? sigmas?.length ?? 2) * (options.outputDim ?? 100)
        : 0;
  if (samples * width > BOUNDS.cells)
    throw new ConfigError(
      `data.options.samples: ${samples} samples of ${width} values each make ${samples * width} numbers, more than the ${BOUNDS.cells} allowed — use fewer samples or smaller dimensions`,
    );
  return sigmas === undefined ? options : { ...options, sigmas };
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

/** A name that becomes a file name (`<out>/<name>.json`): printable, no path characters, not too long. */
function fileName(v: unknown, field: string): string {
  const name = string(v, field, true);
  const why =
    name.length > BOUNDS.name || new TextEncoder().encode(name).length > 200
      ? `at most ${BOUNDS.name} characters (200 UTF-8 bytes)`
      : // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
        /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/.test(name)
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

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(`${field}: expected an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function known(o: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k))
      throw new ConfigError(`${field}${key(k)}: unknown field (known: ${keys.join(', ') || 'none'})`);
  }
}

function string(v: unknown, field: string, slashes = false): string {
  if (typeof v !== 'string' || v === '' || (!slashes && /[/\\]/.test(v)))
    throw new ConfigError(
      `${field}: expected a non-empty ${slashes ? 'string' : 'name without slashes'}, got ${show(v)}`,
    );
  if (v.length > BOUNDS.text)
    throw new ConfigError(`${field}: expected at most ${BOUNDS.text} characters, got ${v.length}`);
  return v;
}

function oneOf<T extends string>(v: unknown, options: readonly T[], field: string): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ConfigError(`${field}: expected one of ${options.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

function integer(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ConfigError(`${field}: expected an integer from ${min} to ${max}, got ${show(v)}`);
  return v;
}

function positive(v: unknown, field: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new ConfigError(`${field}: expected a number > 0, got ${show(v)}`);
  return v;
}

function list(v: unknown, field: string, max = Number.POSITIVE_INFINITY): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(`${field}: expected a list, got ${show(v)}`);
  if (v.length > max) throw new ConfigError(`${field}: expected at most ${max} entries, got ${v.length}`);
  return v;
}

function integers(v: unknown, field: string, min: number, max: number, count: number): number[] {
  return list(v, field, count).map((x, i) => integer(x, `${field}[${i}]`, min, max));
}

function numbers(v: unknown, field: string): Record<string, number> {
  const o = object(v, field);
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new ConfigError(`${field}${key(k)}: expected a number, got ${show(x)}`);
  }
  return o as Record<string, number>;
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

/** A value as a short one-line string for a message (JSON, cut at 60 characters). */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  // A value too deep for JSON.stringify (a data file's row nested thousands deep) is named by its kind.
  text ??= Array.isArray(v) ? 'a list' : typeof v === 'object' && v !== null ? 'an object' : `a ${typeof v}`;
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
