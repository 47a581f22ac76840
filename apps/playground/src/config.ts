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
  gradNormToy: ['tasks', 'inputDim', 'outputDim', 'samples'],
  cagradToy: [],
  file: [],
};

export type TaskType = (typeof TASK_TYPES)[number];

/** A table read from a CSV or JSON file: which columns are features and which are tasks. */
export interface FileData {
  /** The file (relative to the working directory for the CLI; just its name on the web page). */
  path: string;
  /** Feature columns: numbers, or strings (one-hot encoded). */
  features: string[];
  /** Task columns and their types. */
  tasks: Record<string, TaskType>;
}

export interface ExperimentConfig {
  name: string;
  data: {
    dataset: (typeof DATASETS)[number];
    /** Train/validation/test fractions. */
    split: [number, number, number];
    /** Options of the synthetic generators (e.g. { tasks: 4, conflict: 0.5 } for relatedTasks). */
    options: Record<string, number>;
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

/** Fills defaults into a partial config and validates every field. */
export function parseConfig(input: unknown): ExperimentConfig {
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
  const options = numbers(data.options ?? {}, 'data.options');
  known(options, [...DATASET_OPTIONS[dataset]], 'data.options');
  const config: ExperimentConfig = {
    name: string(raw.name ?? d.name, 'name'),
    data: {
      dataset,
      split: split(data.split ?? d.data.split),
      options,
      file: data.file === undefined || data.file === null ? null : fileData(data.file),
    },
    architecture: {
      type: oneOf(architecture.type ?? d.architecture.type, ARCHITECTURES, 'architecture.type'),
      hidden: integers(architecture.hidden ?? d.architecture.hidden, 'architecture.hidden', 1),
      activation: oneOf(
        architecture.activation ?? d.architecture.activation,
        ACTIVATIONS,
        'architecture.activation',
      ),
      experts: integer(architecture.experts ?? d.architecture.experts, 'architecture.experts', 1),
      taskExperts: integer(
        architecture.taskExperts ?? d.architecture.taskExperts,
        'architecture.taskExperts',
        1,
      ),
      levels: integer(architecture.levels ?? d.architecture.levels, 'architecture.levels', 1),
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
        ),
        gamma: positive(schedule.gamma ?? d.optimizer.schedule.gamma, 'optimizer.schedule.gamma'),
      },
    },
    methods: list(raw.methods ?? d.methods, 'methods').map((m, i) => oneOf(m, METHODS, `methods[${i}]`)),
    methodOptions: methodOptions(raw.methodOptions ?? {}),
    optimizers: list(raw.optimizers ?? d.optimizers, 'optimizers').map((o, i) =>
      oneOf(o, OPTIMIZERS, `optimizers[${i}]`),
    ),
    epochs: integer(raw.epochs ?? d.epochs, 'epochs', 1),
    batchSize: integer(raw.batchSize ?? d.batchSize, 'batchSize', 1),
    seeds: integers(raw.seeds ?? d.seeds, 'seeds', 0),
  };
  if (config.methods.length === 0) throw new ConfigError('methods: list at least one method');
  if (new Set(config.methods).size !== config.methods.length)
    throw new ConfigError(`methods: a method is listed twice in ${show(config.methods)}`);
  if (config.seeds.length === 0) throw new ConfigError('seeds: list at least one seed');
  if (dataset === 'file' && config.data.file === null)
    throw new ConfigError('data.file: dataset "file" needs { path, features, tasks }');
  if (config.architecture.type === 'crossstitch' && config.architecture.hidden.length === 0)
    throw new ConfigError('architecture.hidden: Cross-stitch needs at least one hidden layer');
  checkByBuilding(config);
  return config;
}

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
  known(o, ['path', 'features', 'tasks'], 'data.file');
  const features = list(o.features ?? [], 'data.file.features').map((f, i) =>
    string(f, `data.file.features[${i}]`, true),
  );
  if (features.length === 0) throw new ConfigError('data.file.features: list at least one feature column');
  const tasks = object(o.tasks ?? {}, 'data.file.tasks');
  if (Object.keys(tasks).length === 0)
    throw new ConfigError('data.file.tasks: name at least one task column and its type');
  for (const [column, type] of Object.entries(tasks)) {
    oneOf(type, TASK_TYPES, `data.file.tasks.${column}`);
    if (features.includes(column))
      throw new ConfigError(`data.file.tasks.${column}: the column is also a feature`);
    // A task names its head in the model (and in the saved state dict), where '.' separates names.
    if (column.includes('.') || column === '')
      throw new ConfigError(
        `data.file.tasks.${column}: a task column's name is its head's name in the model and may not contain '.' (rename the column, e.g. ${JSON.stringify(column.replaceAll('.', '_'))})`,
      );
  }
  return {
    path: string(o.path ?? '', 'data.file.path', true),
    features,
    tasks: tasks as Record<string, TaskType>,
  };
}

function methodOptions(v: unknown): ExperimentConfig['methodOptions'] {
  const o = object(v, 'methodOptions');
  known(o, METHODS, 'methodOptions');
  for (const [method, options] of Object.entries(o)) {
    const values = numbers(options, `methodOptions.${method}`);
    known(values, Object.keys(METHOD_TABLE[method as MethodName].hyperparameters), `methodOptions.${method}`);
  }
  return o as ExperimentConfig['methodOptions'];
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(`${field}: expected an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function known(o: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k))
      throw new ConfigError(`${field}.${k}: unknown field (known: ${keys.join(', ') || 'none'})`);
  }
}

function string(v: unknown, field: string, slashes = false): string {
  if (typeof v !== 'string' || v === '' || (!slashes && /[/\\]/.test(v)))
    throw new ConfigError(
      `${field}: expected a non-empty ${slashes ? 'string' : 'name without slashes'}, got ${show(v)}`,
    );
  return v;
}

function oneOf<T extends string>(v: unknown, options: readonly T[], field: string): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ConfigError(`${field}: expected one of ${options.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

function integer(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new ConfigError(`${field}: expected an integer ≥ ${min}, got ${show(v)}`);
  return v;
}

function positive(v: unknown, field: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new ConfigError(`${field}: expected a number > 0, got ${show(v)}`);
  return v;
}

function list(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(`${field}: expected a list, got ${show(v)}`);
  return v;
}

function integers(v: unknown, field: string, min: number): number[] {
  return list(v, field).map((x, i) => integer(x, `${field}[${i}]`, min));
}

function numbers(v: unknown, field: string): Record<string, number> {
  const o = object(v, field);
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new ConfigError(`${field}.${k}: expected a number, got ${show(x)}`);
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

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}
