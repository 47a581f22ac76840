/**
 * A comparison's runs on a pool of worker processes (the sweep's pool): every method × seed and
 * the single-task baselines × seed of one optimizer and architecture, trained side by side, then
 * summarised as `compareMethods` summarises them — test metrics mean ± std over seeds, Δm of each
 * seed against the baselines' means, time per step, the first seed's history — so the table and
 * the report are the same whichever way the runs went (the numbers are, bit for bit).
 */
import {
  type BaselineRow,
  baselineMetrics,
  baselineRow,
  type ComparisonRow,
  methodRow,
} from '@mtl/multitask';
import { MtlError } from '@mtl/tensor';
import type { ArchitectureName, ExperimentConfig } from './config';
import type { RunSpec } from './prepare';
import type { RunRequest } from './sweep/expandSweep';
import { runKey } from './sweep/runKey';
import { runLocally } from './sweep/runLocally';
import type { RunData, RunResult } from './sweep/trainRun';

export interface CompareOnPoolOptions {
  config: ExperimentConfig;
  /** The runs of one optimizer and architecture (`runSpecs` of the config, filtered). */
  specs: RunSpec[];
  workers: number;
  data: RunData;
  /** Each finished run, as it finishes (for a progress line). */
  onFinished?: (run: { method: string; seed: number; baseline: boolean; seconds: number }) => void;
}

/**
 * The rows in the specs' order and the baselines' rows; a run that failed (a diverging loss)
 * throws its error, as compareMethods would.
 */
export async function compareOnPool({
  config,
  specs,
  workers,
  data,
  onFinished,
}: CompareOnPoolOptions): Promise<{ rows: ComparisonRow[]; baselineRows: BaselineRow[] }> {
  const { optimizer, architecture } = specs[0]!;
  const base = resolved(config, optimizer, architecture);
  const request = (kind: RunRequest['kind'], name: string, seed: number): RunRequest => {
    const own = { ...base, methods: kind === 'method' ? [name as ExperimentConfig['methods'][number]] : [] };
    return {
      key: runKey({ kind, name, seed, config: own, version: '', dataKey: '' }),
      kind,
      name,
      setting: {},
      seed,
      // The first seed's history draws the report's curves.
      keepHistory: kind === 'method' && seed === config.seeds[0],
      config: own,
    };
  };
  const baselines = config.seeds.map((seed) => request('baselines', 'baselines', seed));
  const methods = specs.map((spec) => config.seeds.map((seed) => request('method', spec.method, seed)));
  const labels = new Map(specs.map((s) => [s.method as string, s.label]));
  const { results } = await runLocally([...baselines, ...methods.flat()], memory(), {
    workers,
    data,
    onResult: (r) =>
      onFinished?.({
        method: r.kind === 'baselines' ? 'single-task baselines' : labels.get(r.name)!,
        seed: r.seed,
        baseline: r.kind === 'baselines',
        seconds: r.seconds,
      }),
  });
  const done = results as RunResult[];
  const failed = done.find((r) => r.error !== undefined);
  if (failed !== undefined) throw new MtlError(failed.error!.replace(/^\w*Error: /, ''));
  const baselineRuns = done.slice(0, baselines.length);
  const baselineRows = Object.keys(baselineRuns[0]!.test!).map((task) =>
    baselineRow(
      task,
      baselineRuns.map((r) => ({ metrics: r.test![task]!, msPerStep: r.msPerStep })),
    ),
  );
  const means = baselineMetrics(baselineRows);
  const rows = specs.map((spec, i) => {
    const runs = done.slice(
      baselines.length + i * config.seeds.length,
      baselines.length + (i + 1) * config.seeds.length,
    );
    return methodRow(
      spec.label,
      runs.map((r) => ({ results: r.test!, msPerStep: r.msPerStep, history: r.history! })),
      means,
    );
  });
  return { rows, baselineRows };
}

/** The config of one optimizer and architecture, compared alone. */
function resolved(
  config: ExperimentConfig,
  optimizer: RunSpec['optimizer'],
  architecture: ArchitectureName,
): ExperimentConfig {
  return {
    ...config,
    optimizer: { ...config.optimizer, name: optimizer },
    architecture: { ...config.architecture, type: architecture },
    optimizers: [],
    architectures: [],
    sweep: null,
  };
}

/** A store that keeps nothing: a comparison trains all of its runs each time. */
function memory() {
  return { finished: () => null, write: async () => {} };
}
