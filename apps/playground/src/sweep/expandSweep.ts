/**
 * A sweep's runs: every method at every setting of the fields that concern it, over every seed,
 * and the single-task baselines (each task alone, for Δm) at every setting of the shared fields. A
 * method's option concerns only that method, so `methodOptions.cagrad.calpha` multiplies CAGrad's
 * runs and no one else's. Each run is a whole config of its own, checked as the CLI checks one,
 * and carries its key (`runKey`): the same run in another sweep has the same key.
 */
import { Generator } from '@mtl/tensor';
import { ConfigError, type ExperimentConfig, parseConfig } from '../config';
import type { MethodName } from '../methods';
import { setField } from '../setField';
import { runKey } from './runKey';
import type { SweepRange, SweepSpec } from './sweepSpec';

/** Field path → value, paths in sorted order. */
export type Setting = Record<string, unknown>;

/** `lr=0.01, cagrad.calpha=0.2`: the fields without their roots where that is unambiguous. */
export function formatSetting(setting: Setting): string {
  const entries = Object.entries(setting);
  if (entries.length === 0) return '(base config)';
  return entries
    .map(
      ([path, v]) =>
        `${path.replace(/^optimizer\./, '').replace(/^methodOptions\./, '')}=${JSON.stringify(v)}`,
    )
    .join(', ');
}

/** One training run of a sweep. */
export interface RunRequest {
  key: string;
  /** `'method'`: a weighting method on every task; `'baselines'`: each task alone (Δm's single-task models). */
  kind: 'method' | 'baselines';
  /** The method (`'baselines'` for the baselines). */
  name: string;
  /** The fields this run's setting changes from the base config. */
  setting: Setting;
  seed: number;
  /** Also return the training history (losses and weights per step, per epoch), for a report's curves. */
  keepHistory?: boolean;
  /**
   * The run's whole config: the base config with the setting applied, `methods` the run's
   * method (none for the baselines), `seeds` the base config's (the first one splits the rows, as
   * in a comparison), no sweep.
   */
  config: ExperimentConfig;
}

/**
 * Every setting of the sweep: the grid's combinations, each crossed with the random draws when
 * there are any. Draws are seeded (`random.seed`): the same spec gives the same settings.
 */
export function sweepSettings(spec: SweepSpec): Setting[] {
  let settings: Setting[] = [{}];
  for (const [path, values] of Object.entries(spec.grid).sort(([a], [b]) => (a < b ? -1 : 1)))
    settings = settings.flatMap((s) => values.map((v) => ({ ...s, [path]: v })));
  if (spec.random !== null) {
    const g = new Generator(spec.random.seed);
    const ranges = Object.entries(spec.random.ranges).sort(([a], [b]) => (a < b ? -1 : 1));
    const draws = Array.from({ length: spec.random.samples }, () =>
      Object.fromEntries(ranges.map(([path, range]) => [path, draw(range, g)])),
    );
    settings = settings.flatMap((s) => draws.map((d) => sorted({ ...s, ...d })));
  }
  return settings;
}

function draw({ min, max, log, integer }: SweepRange, g: Generator): number {
  const u = g.uniform();
  const x = log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
  // Rounded to 4 significant digits, so a setting reads well in the report (and its key is stable).
  return integer ? Math.round(x) : Number(x.toPrecision(4));
}

function sorted(setting: Setting): Setting {
  return Object.fromEntries(Object.entries(setting).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The part of a setting that concerns a method (or, for `null`, the baselines: no method options). */
export function settingFor(setting: Setting, method: string | null): Setting {
  return Object.fromEntries(
    Object.entries(setting).filter(
      ([path]) =>
        !path.startsWith('methodOptions.') ||
        (method !== null && path.startsWith(`methodOptions.${method}.`)),
    ),
  );
}

/**
 * Every run of the sweep in `config` (which must have one), in order: the baselines first, then
 * each method's; settings that differ only in fields that do not concern a run are one run.
 * `raw` is the config as written (before defaults), to which the settings are applied; `dataKey`
 * stands for the data a `dataset: 'file'` config reads (its content's hash), so a changed file
 * gives new keys. A setting that makes a bad config is a ConfigError naming the setting.
 */
export function expandSweep(
  config: ExperimentConfig,
  raw: Record<string, unknown>,
  version: string,
  dataKey = '',
): RunRequest[] {
  const spec = config.sweep;
  if (spec === null)
    throw new ConfigError('sweep: this config has no "sweep" section — add one, or use `run`');
  if (config.optimizers.length > 0 || config.architectures.length > 0)
    throw new ConfigError(
      `${config.optimizers.length > 0 ? 'optimizers' : 'architectures'}: a sweep compares methods at their best setting — vary "optimizer.name" or "architecture.type" in sweep.grid instead of listing them`,
    );
  const settings = sweepSettings(spec);
  const runs: RunRequest[] = [];
  const seen = new Set<string>();
  const parsed = new Map<string, ExperimentConfig>();
  const add = (kind: RunRequest['kind'], name: string, method: MethodName | null, setting: Setting) => {
    const own = settingFor(setting, method);
    const resolved = resolve(raw, own, method, config.seeds, parsed);
    for (const seed of config.seeds) {
      const key = runKey({ kind, name, seed, config: resolved, version, dataKey });
      if (seen.has(key)) continue;
      seen.add(key);
      runs.push({ key, kind, name, setting: own, seed, config: resolved });
    }
  };
  for (const setting of settings) add('baselines', 'baselines', null, setting);
  for (const method of config.methods) for (const setting of settings) add('method', method, method, setting);
  return runs;
}

/** The base config with the setting applied and checked (`cache`: by raw JSON), one method (or none) and no sweep. */
function resolve(
  raw: Record<string, unknown>,
  setting: Setting,
  method: MethodName | null,
  seeds: number[],
  cache: Map<string, ExperimentConfig>,
): ExperimentConfig {
  let copy = structuredClone(raw);
  delete copy.sweep;
  // The paths were checked by parseSweep; setField copies the config and makes missing objects.
  for (const [path, value] of Object.entries(setting))
    copy = setField(copy, `${path}=${JSON.stringify(value)}`);
  copy.methods = method === null ? ['ew'] : [method];
  copy.seeds = seeds;
  copy.optimizers = [];
  copy.architectures = [];
  const text = JSON.stringify(copy);
  let config = cache.get(text);
  if (config === undefined) {
    try {
      config = parseConfig(copy);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const where = Object.entries(setting)
        .map(([p, v]) => `${p}=${JSON.stringify(v)}`)
        .join(', ');
      throw new ConfigError(`sweep setting {${where}}: ${e.message}`);
    }
    cache.set(text, config);
  }
  // Only the run's own method options (none when they are empty): another method's, or `{}`,
  // do not change this run or its key.
  const own = method === null ? undefined : config.methodOptions[method];
  return {
    ...config,
    name: '',
    methods: method === null ? [] : [method],
    methodOptions: own === undefined || Object.keys(own).length === 0 ? {} : { [method!]: own },
  };
}
