/**
 * A comparison's runs on a pool of worker threads (the sweep's pool): every method × seed and
 * the single-task baselines × seed of one optimizer and architecture, trained side by side, then
 * summarised as `compareMethods` summarises them — test metrics mean ± std over seeds, Δm of each
 * seed against the baselines' means, time per step, the first seed's history — so the table and
 * the report are the same whichever way the runs went (the numbers are, bit for bit).
 */
import { type ComparisonRow, deltaM, meanAndStd } from '@mtl/multitask';
import { MtlError, ValueError } from '@mtl/tensor';
import type { ArchitectureName, ExperimentConfig } from './config';
import type { RunSpec } from './prepare';
import type { RunRequest } from './sweep/expandSweep';
import { runKey } from './sweep/runKey';
import { runLocally } from './sweep/runLocally';
import type { RunData, RunResult, TaskMetrics } from './sweep/trainRun';

export interface CompareOnPoolOptions {
  config: ExperimentConfig;
  /** The runs of one optimizer and architecture (`runSpecs` of the config, filtered). */
  specs: RunSpec[];
  workers: number;
  data: RunData;
  /** Each finished run, as it finishes (for a progress line). */
  onFinished?: (run: { method: string; seed: number; baseline: boolean; seconds: number }) => void;
}

/** The rows in the specs' order; a run that failed (a diverging loss) throws its error, as compareMethods would. */
export async function compareOnPool({
  config,
  specs,
  workers,
  data,
  onFinished,
}: CompareOnPoolOptions): Promise<ComparisonRow[]> {
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
  const baselineMeans = meanMetrics(done.slice(0, baselines.length).map((r) => r.test!));
  return specs.map((spec, i) => {
    const runs = done.slice(
      baselines.length + i * config.seeds.length,
      baselines.length + (i + 1) * config.seeds.length,
    );
    return row(spec.label, runs, baselineMeans);
  });
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

/** compareMethods' row: metrics over seeds, Δm per seed against the baselines' means, the first seed's history. */
function row(method: string, runs: RunResult[], baselineMeans: TaskMetrics): ComparisonRow {
  const tests = runs.map((r) => r.test!);
  const metrics = Object.fromEntries(
    Object.keys(tests[0]!).map((task) => [
      task,
      Object.fromEntries(
        Object.keys(tests[0]![task]!).map((k) => [k, meanAndStd(tests.map((t) => t[task]![k]!))]),
      ),
    ]),
  );
  let deltas: number[] | null = null;
  let unavailable: string | undefined;
  try {
    deltas = tests.map((t) => deltaM(withoutLoss(t), withoutLoss(baselineMeans)));
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    unavailable = error.message.replace(/^deltaM: /, '');
  }
  const result: ComparisonRow = {
    method,
    metrics,
    deltaM: deltas === null ? null : meanAndStd(deltas),
    msPerStep: runs.reduce((s, r) => s + r.msPerStep, 0) / runs.length,
    history: runs[0]!.history!,
  };
  if (unavailable !== undefined) result.deltaMUnavailable = unavailable;
  return result;
}

/** Per task and metric, the mean over the runs (compareMethods' baseline means). */
function meanMetrics(list: TaskMetrics[]): TaskMetrics {
  return Object.fromEntries(
    Object.keys(list[0]!).map((task) => [
      task,
      Object.fromEntries(
        Object.keys(list[0]![task]!).map((k) => [k, meanAndStd(list.map((m) => m[task]![k]!)).mean]),
      ),
    ]),
  );
}

function withoutLoss(results: TaskMetrics): TaskMetrics {
  return Object.fromEntries(
    Object.entries(results).map(([task, ms]) => [
      task,
      Object.fromEntries(Object.entries(ms).filter(([k]) => k !== 'loss')),
    ]),
  );
}

/** A store that keeps nothing: a comparison trains all of its runs each time. */
function memory() {
  return { finished: () => null, write: async () => {} };
}
