import type { Parameter } from '@mtl/autograd';
import { Adam, type Optimizer } from '@mtl/optim';
import { ValueError } from '@mtl/tensor';
import type { MultiTaskModel } from '../architectures/MultiTaskModel';
import type { MultiTaskDataset } from '../data/MultiTaskDataset';
import { EW } from '../methods/EW';
import type { WeightingMethod } from '../methods/WeightingMethod';
import { deltaM, type TaskResults, withoutLoss } from '../metrics/deltaM';
import type { ProgressBar } from './ProgressBar';
import { type EpochRecord, type StepRecord, type TaskSpec, Trainer, type TrainerOptions } from './Trainer';

export interface CompareMethodsOptions {
  /** Name → a fresh method (called once per seed). */
  methods: Record<string, () => WeightingMethod>;
  train: MultiTaskDataset;
  /** Where the reported metrics are measured. */
  test: MultiTaskDataset;
  tasks: TaskSpec[];
  /** A fresh model for a seed (the same seed gives every method the same initial weights). */
  model: (seed: number) => MultiTaskModel;
  /** Default: Adam with lr 1e-3 over the model's and the method's parameters. */
  // biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
  optimizer?: (parameters: Parameter[]) => Optimizer<any>;
  /** A learning-rate schedule for each run's optimizer, stepped once per epoch (default none). */
  // biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
  scheduler?: (optimizer: Optimizer<any>) => TrainerOptions['scheduler'];
  epochs: number;
  batchSize?: number;
  seeds?: number[];
  /** Also train one single-task model per task (same architecture, only that task's loss) as Δm's baselines. Default true. */
  baselines?: boolean;
  /** Called before each training run (for a progress display). */
  onRun?: (run: { method: string; seed: number; baseline: boolean }) => void;
  /** The progress bar each run's Trainer draws (default none). */
  progress?: ProgressBar | false;
  /**
   * Called with each method's row as soon as it is complete, so a caller can keep the results of
   * the methods trained so far when a later one fails (a diverging loss, an interrupted run).
   */
  onRow?: (row: ComparisonRow) => void;
  /** Called with the single-task baselines' rows once they are trained (before the methods). */
  onBaselines?: (rows: BaselineRow[]) => void;
}

/** A mean and standard deviation over seeds. */
export interface Stat {
  mean: number;
  std: number;
}

export interface ComparisonRow {
  method: string;
  /** Per task, per metric (the task's metrics and its loss), over seeds. */
  metrics: Record<string, Record<string, Stat>>;
  /**
   * Δm against the single-task baselines (LibMTL's convention: positive = better), or null —
   * without baselines, or when Δm is undefined for this comparison (see `deltaMUnavailable`).
   */
  deltaM: Stat | null;
  /**
   * Why Δm is null although there are baselines — a baseline metric of 0 (Δm is relative to it)
   * or a non-finite metric, e.g. an F1 of 0 on a one-class test column or a metric of a task with
   * no labels in a tiny test split: `"baseline sex.f1 is 0 …"`. Absent when Δm has a value or
   * there are no baselines. {@link formatComparison} prints such a Δm as `n/a`.
   */
  deltaMUnavailable?: string;
  msPerStep: number;
  /** The history of the first seed's run (losses and weights per step, metrics per epoch). */
  history: { steps: StepRecord[]; epochs: EpochRecord[] };
}

/** A single-task baseline: the model trained on one task alone, as Δm's reference for that task. */
export interface BaselineRow {
  task: string;
  /** How a table names the row (default `<task> alone`). */
  label?: string;
  /** The task's test metrics (and loss), mean ± std over seeds. */
  metrics: Record<string, Stat>;
  msPerStep: number;
}

export interface Comparison {
  rows: ComparisonRow[];
  /** The single-task baselines' metrics per task (means over seeds): what Δm is relative to. */
  baselines: Record<string, Record<string, number>> | null;
  /** The same baselines as rows a table can show (mean ± std over seeds, time per step). */
  baselineRows: BaselineRow[] | null;
}

/** One seed's run of a method, as {@link methodRow} summarises it. */
export interface MethodRun {
  results: TaskResults;
  msPerStep: number;
  history: ComparisonRow['history'];
}

/**
 * Trains every method (and, by default, a single-task model per task) over several seeds on the
 * same data and reports per-task test metrics (mean ± std over seeds), Δm against the single-task
 * baselines, and the time per step.
 */
export function compareMethods(options: CompareMethodsOptions): Comparison {
  const {
    methods,
    train,
    test,
    tasks,
    model,
    epochs,
    batchSize = 32,
    seeds = [0],
    baselines = true,
    onRun,
    progress = false,
  } = options;
  const makeOptimizer = options.optimizer ?? ((ps: Parameter[]) => new Adam(ps, { lr: 1e-3 }));
  const runOnce = (seed: number, method: WeightingMethod, only: TaskSpec[]) => {
    const m = model(seed);
    method.init(only.map((t) => t.name));
    const optimizer = makeOptimizer([...m.parameters(), ...method.parameters()]);
    const trainer = new Trainer({
      model: m,
      tasks: only,
      optimizer,
      scheduler: options.scheduler?.(optimizer),
      weighting: method,
      progress,
    });
    const started = performance.now();
    trainer.fit(train, { epochs, batchSize, seed });
    const msPerStep = (performance.now() - started) / Math.max(trainer.stepCount, 1);
    return { results: trainer.evaluate(test), msPerStep, history: trainer.history };
  };

  // Built with Object.fromEntries, never `record[task] = …`: a task may be called "__proto__".
  const baselineRows: BaselineRow[] | null = baselines
    ? tasks.map((task) =>
        baselineRow(
          task.name,
          seeds.map((seed) => {
            onRun?.({ method: `${task.name} alone`, seed, baseline: true });
            const run = runOnce(seed, new EW(), [task]);
            return { metrics: run.results[task.name]!, msPerStep: run.msPerStep };
          }),
        ),
      )
    : null;
  if (baselineRows !== null) options.onBaselines?.(baselineRows);
  const baselineMeans = baselineRows === null ? null : baselineMetrics(baselineRows);

  const rows: ComparisonRow[] = Object.entries(methods).map(([name, make]) => {
    const runs = seeds.map((seed) => {
      onRun?.({ method: name, seed, baseline: false });
      return runOnce(seed, make(), tasks);
    });
    const row = methodRow(name, runs, baselineMeans);
    options.onRow?.(row);
    return row;
  });
  return { rows, baselines: baselineMeans, baselineRows };
}

/**
 * A method's row from its runs (one per seed, the first seed's history kept): test metrics mean ±
 * std over seeds, Δm of each seed against the baselines' means (null without baselines, or with the
 * reason it is undefined), the mean time per step.
 */
export function methodRow(method: string, runs: MethodRun[], baselines: TaskResults | null): ComparisonRow {
  const results = runs.map((r) => r.results);
  let deltas: number[] | null = null;
  let unavailable: string | undefined;
  if (baselines !== null) {
    try {
      deltas = results.map((r) => deltaM(withoutLoss(r), withoutLoss(baselines)));
    } catch (error) {
      // A zero or non-finite metric (a one-class column, a tiny split) leaves Δm undefined:
      // report it as unavailable with the reason rather than losing every run trained so far.
      if (!(error instanceof ValueError)) throw error;
      unavailable = error.message.replace(/^deltaM: /, '');
    }
  }
  const row: ComparisonRow = {
    method,
    metrics: Object.fromEntries(
      Object.keys(results[0]!).map((task) => [task, statsOf(results.map((r) => r[task]!))]),
    ),
    deltaM: deltas === null ? null : meanAndStd(deltas),
    msPerStep: runs.reduce((s, r) => s + r.msPerStep, 0) / runs.length,
    history: runs[0]!.history,
  };
  if (unavailable !== undefined) row.deltaMUnavailable = unavailable;
  return row;
}

/** A baseline's row from its runs (one per seed): its task's metrics mean ± std, the mean time per step. */
export function baselineRow(
  task: string,
  runs: { metrics: Record<string, number>; msPerStep: number }[],
): BaselineRow {
  return {
    task,
    metrics: statsOf(runs.map((r) => r.metrics)),
    msPerStep: runs.reduce((s, r) => s + r.msPerStep, 0) / runs.length,
  };
}

/** The baselines' means per task and metric: what Δm is relative to. */
export function baselineMetrics(rows: readonly BaselineRow[]): TaskResults {
  return Object.fromEntries(
    rows.map((r) => [r.task, Object.fromEntries(Object.entries(r.metrics).map(([k, s]) => [k, s.mean]))]),
  );
}

/**
 * The comparison as a text table: one row per method, `mean±std` per task metric (the mean alone
 * when `seeds` is 1), Δm, ms/step; then, when given, one row per single-task baseline (`<task>
 * alone`, its own task's columns filled, `ref` for Δm), so the numbers Δm is relative to are on
 * the page. Δm prints as `—` without baselines and as `n/a` when it is undefined
 * (`deltaMUnavailable`).
 */
export function formatComparison({
  rows,
  baselineRows = null,
  seeds,
}: {
  rows: readonly (Pick<ComparisonRow, 'method' | 'metrics' | 'deltaM' | 'msPerStep'> & {
    deltaMUnavailable?: string;
  })[];
  baselineRows?: readonly BaselineRow[] | null;
  /** How many seeds the statistics are over: with 1, the table shows means without `±0.000`. */
  seeds?: number;
}): string {
  // Kept as [task, metric] pairs, not joined and split again: a task name may contain a dot.
  const columns = Object.entries(rows[0]?.metrics ?? {}).flatMap(([task, ms]) =>
    Object.keys(ms)
      .filter((k) => k !== 'loss')
      .map((k) => [task, k] as const),
  );
  const stat = (s: Stat | undefined) =>
    s === undefined ? '' : seeds === 1 ? s.mean.toFixed(3) : `${s.mean.toFixed(3)}±${s.std.toFixed(3)}`;
  const header = ['method', ...columns.map(([task, metric]) => `${task}.${metric}`), 'Δm %', 'ms/step'];
  const body = rows.map((r) => [
    r.method,
    ...columns.map(([task, metric]) => stat(r.metrics[task]![metric])),
    r.deltaM === null
      ? r.deltaMUnavailable === undefined
        ? '—'
        : 'n/a'
      : `${r.deltaM.mean >= 0 ? '+' : ''}${r.deltaM.mean.toFixed(2)}`,
    r.msPerStep.toFixed(1),
  ]);
  const baselines = (baselineRows ?? []).map((b) => [
    b.label ?? `${b.task} alone`,
    ...columns.map(([task, metric]) => (task === b.task ? stat(b.metrics[metric]) : '')),
    'ref',
    b.msPerStep.toFixed(1),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...[...body, ...baselines].map((row) => row[i]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const rule = line(widths.map((w) => '-'.repeat(w)));
  return [
    line(header),
    rule,
    ...body.map(line),
    ...(baselines.length > 0 ? [rule, ...baselines.map(line)] : []),
  ].join('\n');
}

/** The mean and the (population) standard deviation of values over seeds or runs. */
export function meanAndStd(values: number[]): Stat {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Per metric, mean ± std over the runs. */
function statsOf(results: Record<string, number>[]): Record<string, Stat> {
  return Object.fromEntries(Object.keys(results[0]!).map((k) => [k, meanAndStd(results.map((r) => r[k]!))]));
}
