import { ValueError } from '@mtl/tensor';

/** Metric values per task: `{ species: { accuracy: 0.97, f1: 0.96 }, mass: { mae: 270 } }`. */
export type TaskResults = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Options of {@link deltaM}. */
export interface DeltaMOptions {
  /**
   * Direction of each metric, keyed by metric name (`{ mIoU: true }`) or by `'task.metric'`
   * (which wins). Metrics not listed default by name: accuracy, acc, f1 (and macro/micro/weighted
   * variants), auc, r2, precision, recall and miou are higher-is-better; mse, mae, rmse, loss,
   * nll, error and err are lower-is-better (case, `_`, `-` and spaces ignored).
   */
  higherIsBetter?: Readonly<Record<string, boolean>>;
  /**
   * `'libmtl'` (the default): the per-task mean of signed relative improvements, averaged over
   * tasks, positive = better than the baselines. `'flat'`: the CAGrad / Nash-MTL papers' number —
   * the mean over all metrics of all tasks together, with the opposite sign (lower = better).
   */
  convention?: 'libmtl' | 'flat';
  /** The tasks to compare (names or `{ name }` task specs). Default: every task of `baselines`. */
  tasks?: readonly (string | { readonly name: string })[];
}

const HIGHER = new Set(['accuracy', 'acc', 'f1', 'macrof1', 'microf1', 'weightedf1', 'auc', 'rocauc', 'r2']);
for (const name of ['precision', 'recall', 'miou', 'pixacc']) HIGHER.add(name);
const LOWER = new Set(['mse', 'mae', 'rmse', 'loss', 'nll', 'error', 'err', 'abserr', 'relerr']);

/** Higher-is-better by name (case, `_`, `-` and spaces ignored), or undefined for a name not listed. */
function directionByName(metric: string): boolean | undefined {
  const key = metric.toLowerCase().replace(/[\s_-]/g, '');
  if (HIGHER.has(key)) return true;
  if (LOWER.has(key)) return false;
  return undefined;
}

/**
 * Whether higher is better for a metric, by its name — the defaults of {@link deltaM}: accuracy,
 * acc, f1 (and macro/micro/weighted variants), auc, r2, precision, recall and miou are
 * higher-is-better; mse, mae, rmse, loss, nll, error and err are lower-is-better (case, `_`, `-`
 * and spaces ignored). For early stopping, plots and tables that must know which way is up.
 *
 * @throws ValueError for a name not listed.
 */
export function higherIsBetter(metric: string): boolean {
  const known = directionByName(metric);
  if (known === undefined) {
    throw new ValueError(
      `higherIsBetter: cannot tell whether higher is better for metric '${metric}' ` +
        `(known: ${[...HIGHER, ...LOWER].join(', ')})`,
    );
  }
  return known;
}

function direction(task: string, metric: string, overrides: Readonly<Record<string, boolean>>): boolean {
  const own = overrides[`${task}.${metric}`] ?? overrides[metric];
  if (own !== undefined) {
    if (typeof own !== 'boolean') {
      throw new ValueError(`deltaM: higherIsBetter.${metric} must be a boolean, got ${String(own)}`);
    }
    return own;
  }
  const known = directionByName(metric);
  if (known !== undefined) return known;
  throw new ValueError(
    `deltaM: cannot tell whether higher is better for metric '${metric}' of task '${task}' ` +
      `(pass { higherIsBetter: { ${JSON.stringify(metric)}: true } } or false)`,
  );
}

/**
 * Δm, the multi-task score of LibMTL (`utils.py: count_improvement`): the relative improvement
 * over single-task baselines, in percent, averaged first over each task's metrics, then over tasks:
 *
 *   Δm = 100% · (1/T) Σ_t (1/M_t) Σ_m (−1)^{w_{t,m}} · (B_{t,m} − N_{t,m}) / B_{t,m}
 *
 * with N the method's value, B the baseline's and w_{t,m} = 1 where higher is better, so every
 * term is positive when the method beats the baseline on that metric: **positive Δm = better**.
 * E.g. accuracy 0.84 against a baseline 0.80 is +5%, MSE 2.5 against 2.0 is −25%.
 *
 * The metrics compared are those of `baselines` for each task (extra entries in `results` are
 * ignored); directions come from `higherIsBetter` or default by name (see {@link DeltaMOptions}).
 * We divide by |B| rather than B, which is the same for every usual (positive) metric and keeps
 * the sign meaningful for a negative baseline such as an R² below 0.
 *
 * Say which convention a reported number uses: the CAGrad and Nash-MTL papers report the flat
 * variant — the mean over all metrics of all tasks together (a task with more metrics weighs
 * more), negated so that lower is better — which `{ convention: 'flat' }` returns.
 *
 * @throws ValueError for a task or metric missing from `results`, or a metric of unknown direction;
 *   ValueError for a non-finite value or a zero baseline (Δm is relative to it) — a caller with
 *   such data (an F1 of 0 on a one-class test column, a metric that is NaN in a tiny split) should
 *   report Δm as unavailable with this error's message, as `compareMethods` does
 *   (`deltaM: null` and `deltaMUnavailable: <reason>`), rather than abort.
 */
export function deltaM(results: TaskResults, baselines: TaskResults, options: DeltaMOptions = {}): number {
  const convention = options.convention ?? 'libmtl';
  if (convention !== 'libmtl' && convention !== 'flat') {
    throw new ValueError(`deltaM: convention must be 'libmtl' or 'flat', got ${JSON.stringify(convention)}`);
  }
  const overrides = options.higherIsBetter ?? {};
  const tasks = options.tasks?.map((t) => (typeof t === 'string' ? t : t.name)) ?? Object.keys(baselines);
  if (tasks.length === 0) throw new ValueError('deltaM: no tasks to compare (baselines is empty)');
  let taskSum = 0;
  let flatSum = 0;
  let flatCount = 0;
  for (const task of tasks) {
    const base = baselines[task];
    const result = results[task];
    if (base === undefined) throw new ValueError(`deltaM: baselines has no task '${task}'`);
    if (result === undefined) {
      throw new ValueError(
        `deltaM: results has no task '${task}' — results has ${JSON.stringify(Object.keys(results))}`,
      );
    }
    const metrics = Object.keys(base);
    if (metrics.length === 0) throw new ValueError(`deltaM: baselines.${task} has no metrics`);
    let metricSum = 0;
    for (const metric of metrics) {
      const b = base[metric]!;
      const n = result[metric];
      if (n === undefined) {
        throw new ValueError(
          `deltaM: results.${task} has no metric '${metric}' — it has ${JSON.stringify(Object.keys(result))}`,
        );
      }
      if (!Number.isFinite(b) || !Number.isFinite(n)) {
        throw new ValueError(`deltaM: ${task}.${metric} must be finite — result=${n}, baseline=${b}`);
      }
      if (b === 0) {
        throw new ValueError(`deltaM: baseline ${task}.${metric} is 0, and Δm is relative to the baseline`);
      }
      const sign = direction(task, metric, overrides) ? -1 : 1;
      const improvement = (sign * (b - n)) / Math.abs(b);
      metricSum += improvement;
      flatSum += improvement;
      flatCount++;
    }
    taskSum += metricSum / metrics.length;
  }
  return convention === 'libmtl' ? (100 * taskSum) / tasks.length : (-100 * flatSum) / flatCount;
}

/**
 * The results without each task's `loss`: what Δm compares (LibMTL's Δm is over a task's metrics,
 * and `Trainer.evaluate` reports the loss beside them).
 */
export function withoutLoss(results: TaskResults): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(results).map(([task, metrics]) => [
      task,
      Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== 'loss')),
    ]),
  );
}
