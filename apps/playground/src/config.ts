/**
 * The experiment config: one JSON document that says what to run. Every field has a default;
 * unknown fields and bad values are rejected with a message naming the field.
 */

export const DATASETS = ['penguins', 'relatedTasks', 'gradNormToy'] as const;
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const;
export const METHODS = [
  'ew',
  'uw',
  'dwa',
  'gls',
  'rlw',
  'gradnorm',
  'imtll',
  'stch',
  'mgda',
  'pcgrad',
  'cagrad',
  'gradvac',
  'imtl',
  'nashmtl',
  'alignedmtl',
  'upgrad',
  'dualproj',
  'graddrop',
  'dbmtl',
  'config',
  'fairgrad',
  'moco',
] as const;
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid'] as const;

export interface ExperimentConfig {
  name: string;
  data: {
    dataset: (typeof DATASETS)[number];
    /** Train/validation/test fractions. */
    split: [number, number, number];
    /** Options of the synthetic generators (e.g. { tasks: 4, conflict: 0.5 } for relatedTasks). */
    options: Record<string, number>;
  };
  architecture: { type: 'hps'; hidden: number[]; activation: (typeof ACTIVATIONS)[number] };
  optimizer: { name: (typeof OPTIMIZERS)[number]; lr: number };
  methods: (typeof METHODS)[number][];
  epochs: number;
  batchSize: number;
  seeds: number[];
}

export const DEFAULT_CONFIG: ExperimentConfig = {
  name: 'penguins',
  data: { dataset: 'penguins', split: [0.6, 0.2, 0.2], options: {} },
  architecture: { type: 'hps', hidden: [32], activation: 'relu' },
  optimizer: { name: 'adam', lr: 0.01 },
  methods: ['ew', 'uw', 'gradnorm', 'pcgrad', 'mgda', 'cagrad', 'nashmtl', 'upgrad'],
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
  known(
    raw,
    ['name', 'data', 'architecture', 'optimizer', 'methods', 'epochs', 'batchSize', 'seeds'],
    'config',
  );
  const data = object(raw.data ?? {}, 'data');
  known(data, ['dataset', 'split', 'options'], 'data');
  const architecture = object(raw.architecture ?? {}, 'architecture');
  known(architecture, ['type', 'hidden', 'activation'], 'architecture');
  const optimizer = object(raw.optimizer ?? {}, 'optimizer');
  known(optimizer, ['name', 'lr'], 'optimizer');
  const d = DEFAULT_CONFIG;
  const config: ExperimentConfig = {
    name: string(raw.name ?? d.name, 'name'),
    data: {
      dataset: oneOf(data.dataset ?? d.data.dataset, DATASETS, 'data.dataset'),
      split: split(data.split ?? d.data.split),
      options: numbers(data.options ?? {}, 'data.options'),
    },
    architecture: {
      type: oneOf(architecture.type ?? 'hps', ['hps'] as const, 'architecture.type'),
      hidden: integers(architecture.hidden ?? d.architecture.hidden, 'architecture.hidden', 1),
      activation: oneOf(
        architecture.activation ?? d.architecture.activation,
        ACTIVATIONS,
        'architecture.activation',
      ),
    },
    optimizer: {
      name: oneOf(optimizer.name ?? d.optimizer.name, OPTIMIZERS, 'optimizer.name'),
      lr: positive(optimizer.lr ?? d.optimizer.lr, 'optimizer.lr'),
    },
    methods: list(raw.methods ?? d.methods, 'methods').map((m, i) => oneOf(m, METHODS, `methods[${i}]`)),
    epochs: integer(raw.epochs ?? d.epochs, 'epochs', 1),
    batchSize: integer(raw.batchSize ?? d.batchSize, 'batchSize', 1),
    seeds: integers(raw.seeds ?? d.seeds, 'seeds', 0),
  };
  if (config.methods.length === 0) throw new ConfigError('methods: list at least one method');
  if (config.seeds.length === 0) throw new ConfigError('seeds: list at least one seed');
  return config;
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(`${field}: expected an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function known(o: Record<string, unknown>, keys: string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new ConfigError(`${field}.${k}: unknown field (known: ${keys.join(', ')})`);
  }
}

function string(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '' || /[/\\]/.test(v))
    throw new ConfigError(`${field}: expected a non-empty name without slashes, got ${show(v)}`);
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
