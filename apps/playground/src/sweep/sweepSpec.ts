/**
 * The `sweep` section of an experiment config: which fields to vary, how, and what picks each
 * method's setting. A sweep trains every method at every setting of its fields over every seed
 * of the config, and single-task baselines at every setting of the shared fields; each method's
 * setting is then chosen on the validation split and reported on the test split (the protocol
 * of Xin et al., NeurIPS 2022, and of LibMTL's benchmarks).
 *
 *     "sweep": {
 *       "grid": { "optimizer.lr": [0.01, 0.003], "methodOptions.cagrad.calpha": [0.2, 0.5] },
 *       "random": { "samples": 8, "seed": 0, "ranges": { "optimizer.lr": { "min": 1e-4, "max": 1e-1, "log": true } } },
 *       "select": "deltaM"
 *     }
 */
import { BOUNDS } from '../bounds';
import { ConfigError, integer, known, list, object, show } from '../configValues';

/** A range random search draws from: uniform, or log-uniform (`log`, for learning rates); `integer` rounds. */
export interface SweepRange {
  min: number;
  max: number;
  log: boolean;
  integer: boolean;
}

export interface SweepSpec {
  /** Field path → the values to try; every combination is a setting. */
  grid: Record<string, unknown[]>;
  /** `samples` settings drawn from the ranges (seeded), each crossed with the grid's. */
  random: { samples: number; seed: number; ranges: Record<string, SweepRange> } | null;
  /**
   * What picks a method's setting, on the validation split: `'deltaM'` (Δm against the tuned
   * single-task baselines, higher is better), `'loss'` (the sum of the task losses), or
   * `'<task>.<metric>'` (one task's metric, in its own direction).
   */
  select: string;
}

/** The fields a sweep may vary: the optimizer, the architecture, method options, epochs and batch size. */
/** Objects a sweep varies fields of ("optimizer.lr"), and fields it varies whole ("epochs"). */
export const SWEEP_OBJECTS = ['optimizer', 'architecture', 'methodOptions'];
export const SWEEP_FIELDS = ['epochs', 'batchSize'];
const SWEEP_ROOTS = [...SWEEP_OBJECTS, ...SWEEP_FIELDS];
/** `sweep.select`: Δm, the summed loss, or one task's metric. */
export const SELECT_PATTERN = /^(deltaM|loss|[^.]+\.[A-Za-z0-9]+)$/;
const SEGMENT = /^[A-Za-z_$][\w$]*$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Checks the shape of a `sweep` section (the values themselves are checked as configs, setting by setting). */
export function parseSweep(v: unknown): SweepSpec {
  const raw = object(v, 'sweep');
  known(raw, ['grid', 'random', 'select'], 'sweep');
  const gridRaw = object(raw.grid ?? {}, 'sweep.grid');
  const grid = Object.fromEntries(
    Object.entries(gridRaw).map(([path, values]) => {
      const field = `sweep.grid[${JSON.stringify(path)}]`;
      checkPath(path, field);
      const options = list(values, field, BOUNDS.sweepSettings);
      if (options.length === 0) throw new ConfigError(`${field}: list at least one value`);
      return [path, options];
    }),
  );
  const random = raw.random === undefined || raw.random === null ? null : parseRandom(raw.random);
  for (const path of Object.keys(random?.ranges ?? {}))
    if (Object.hasOwn(grid, path))
      throw new ConfigError(
        `sweep.random.ranges[${JSON.stringify(path)}]: the field is also in sweep.grid — vary it in one of them`,
      );
  if (Object.keys(grid).length === 0 && random === null)
    throw new ConfigError(
      'sweep: give sweep.grid (field → values, e.g. {"optimizer.lr": [0.01, 0.003]}) or sweep.random',
    );
  const select = raw.select ?? 'deltaM';
  if (typeof select !== 'string' || !SELECT_PATTERN.test(select))
    throw new ConfigError(
      `sweep.select: expected "deltaM", "loss" or "<task>.<metric>" (e.g. "species.accuracy"), got ${show(select)}`,
    );
  return { grid, random, select };
}

function parseRandom(v: unknown): NonNullable<SweepSpec['random']> {
  const raw = object(v, 'sweep.random');
  known(raw, ['samples', 'seed', 'ranges'], 'sweep.random');
  const samples = integer(raw.samples, 'sweep.random.samples', 1, BOUNDS.sweepSettings);
  const seed = integer(raw.seed ?? 0, 'sweep.random.seed', 0, BOUNDS.seedValue);
  const rangesRaw = object(raw.ranges ?? {}, 'sweep.random.ranges');
  if (Object.keys(rangesRaw).length === 0)
    throw new ConfigError(
      'sweep.random.ranges: name at least one field and its range, e.g. {"optimizer.lr": {"min": 1e-4, "max": 0.1, "log": true}}',
    );
  const ranges = Object.fromEntries(
    Object.entries(rangesRaw).map(([path, r]) => {
      const field = `sweep.random.ranges[${JSON.stringify(path)}]`;
      checkPath(path, field);
      const o = object(r, field);
      known(o, ['min', 'max', 'log', 'integer'], field);
      const { min, max } = o;
      if (
        typeof min !== 'number' ||
        typeof max !== 'number' ||
        !Number.isFinite(min) ||
        !Number.isFinite(max) ||
        min > max
      )
        throw new ConfigError(
          `${field}: expected finite numbers min ≤ max, got min ${show(min)} and max ${show(max)}`,
        );
      const log = o.log ?? false;
      const whole = o.integer ?? false;
      if (typeof log !== 'boolean' || typeof whole !== 'boolean')
        throw new ConfigError(
          `${field}: log and integer are true or false, got ${show(log)} and ${show(whole)}`,
        );
      if (log && !(min > 0)) throw new ConfigError(`${field}: a log range needs min > 0, got ${min}`);
      return [path, { min, max, log, integer: whole }];
    }),
  );
  return { samples, seed, ranges };
}

function checkPath(path: string, field: string): void {
  const parts = path.split('.');
  if (parts.some((p) => !SEGMENT.test(p) || FORBIDDEN.has(p)))
    throw new ConfigError(`${field}: expected a field path like "optimizer.lr", got ${show(path)}`);
  if (!SWEEP_ROOTS.includes(parts[0]!))
    throw new ConfigError(
      `${field}: a sweep varies ${[...SWEEP_OBJECTS.map((r) => `${r}.…`), ...SWEEP_FIELDS].join(', ')} — not ${parts[0]} (seeds come from "seeds", methods from "methods")`,
    );
  if (parts[0] === 'methodOptions' && parts.length !== 3)
    throw new ConfigError(
      `${field}: a method option is "methodOptions.<method>.<option>", got ${show(path)}`,
    );
}
