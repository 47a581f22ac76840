/**
 * The fair comparison of a sweep: each method at the setting its validation criterion prefers,
 * reported on the test split. The single-task baselines are tuned the same way — each task at the
 * setting with its lowest validation loss — and Δm (validation and test) is against those tuned
 * baselines, so no method is measured against a baseline handicapped by another's learning rate.
 */
import {
  type BaselineRow,
  baselineRow,
  deltaM,
  higherIsBetter,
  meanAndStd,
  type Stat,
  withoutLoss,
} from '@mtl/multitask';
import { ValueError } from '@mtl/tensor';
import type { RunRequest, Setting } from './expandSweep';
import { canonicalJson } from './runKey';
import type { RunResult, TaskMetrics } from './trainRun';

/** One setting of one method: the criterion per seed and its summary. */
export interface SettingScore {
  setting: Setting;
  /** The validation criterion, mean ± std over the seeds (null when a seed failed or it is undefined). */
  criterion: Stat | null;
  /** Why `criterion` is null. */
  unavailable?: string;
  seeds: number;
}

export interface MethodChoice {
  method: string;
  /** Every setting tried, in the sweep's order. */
  settings: SettingScore[];
  /** The chosen setting (null when no setting has a criterion). */
  chosen: Setting | null;
  /** The chosen setting's test metrics per task and metric, mean ± std over seeds. */
  test: Record<string, Record<string, Stat>> | null;
  /** Its test Δm against the tuned baselines (LibMTL's sign: positive is better). */
  testDeltaM: Stat | null;
  /** Its time per training step, mean over seeds. */
  msPerStep: number | null;
}

export interface SweepSelection {
  /** What chose the settings, as the config names it (`deltaM`, `loss`, `<task>.<metric>`). */
  select: string;
  /** Whether a larger criterion is better. */
  higherIsBetter: boolean;
  /**
   * Each task's tuned baseline: its setting, its mean validation and test metrics over seeds, and
   * its test row for a table (mean ± std over seeds, time per step).
   */
  baselines: Record<
    string,
    { setting: Setting; validation: Record<string, number>; test: Record<string, number>; row: BaselineRow }
  > | null;
  methods: MethodChoice[];
  /** The runs that failed, with their errors. */
  failed: { name: string; setting: Setting; seed: number; error: string }[];
  /** Seconds of training over all runs, and the number of runs. */
  seconds: number;
  runs: number;
}

/** Chooses each method's setting by `select` on the validation split (`results[i]` is `requests[i]`'s). */
export function selectSettings(
  requests: readonly RunRequest[],
  results: readonly (RunResult | null)[],
  select: string,
  methods: readonly string[],
): SweepSelection {
  const done = requests
    .map((request, i) => ({ request, result: results[i] ?? null }))
    .filter((r): r is { request: RunRequest; result: RunResult } => r.result !== null);
  const failed = done
    .filter(({ result }) => result.error !== undefined)
    .map(({ result }) => ({
      name: result.name,
      setting: result.setting,
      seed: result.seed,
      error: result.error!,
    }));
  const baselines = tuneBaselines(
    done.filter(({ request }) => request.kind === 'baselines').map(({ result }) => result),
  );
  const higher = select === 'deltaM' ? true : select === 'loss' ? false : metricHigher(select);
  const choices = methods.map((method) =>
    chooseMethod(
      method,
      done
        .filter(({ request }) => request.kind === 'method' && request.name === method)
        .map(({ result }) => result),
      select,
      higher,
      baselines,
    ),
  );
  return {
    select,
    higherIsBetter: higher,
    baselines,
    methods: choices,
    failed,
    seconds: done.reduce((s, { result }) => s + result.seconds, 0),
    runs: done.length,
  };
}

function metricHigher(select: string): boolean {
  const metric = select.slice(select.indexOf('.') + 1);
  try {
    return higherIsBetter(metric);
  } catch {
    throw new ValueError(
      `sweep.select: the metric ${JSON.stringify(metric)} has no known direction — select "deltaM", "loss" or a task's accuracy, f1, auc, r2, mae, rmse or mse`,
    );
  }
}

/** The runs grouped by setting, in first-seen order. */
function bySetting(runs: readonly RunResult[]): { setting: Setting; runs: RunResult[] }[] {
  const groups = new Map<string, { setting: Setting; runs: RunResult[] }>();
  for (const run of runs) {
    const id = canonicalJson(run.setting);
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { setting: run.setting, runs: [run] });
    else group.runs.push(run);
  }
  return [...groups.values()];
}

/** Each task at the setting whose mean validation loss (over seeds) is lowest. */
function tuneBaselines(runs: readonly RunResult[]): SweepSelection['baselines'] {
  const groups = bySetting(runs).filter((g) => g.runs.every((r) => r.error === undefined));
  if (groups.length === 0) return null;
  const tasks = Object.keys(groups[0]!.runs[0]!.validation!);
  return Object.fromEntries(
    tasks.map((task) => {
      let best = groups[0]!;
      let bestLoss = Number.POSITIVE_INFINITY;
      for (const g of groups) {
        const loss = mean(g.runs.map((r) => r.validation![task]!.loss ?? Number.NaN));
        if (loss < bestLoss) [best, bestLoss] = [g, loss];
      }
      return [
        task,
        {
          setting: best.setting,
          validation: meanMetrics(best.runs.map((r) => r.validation![task]!)),
          test: meanMetrics(best.runs.map((r) => r.test![task]!)),
          row: baselineRow(
            task,
            best.runs.map((r) => ({ metrics: r.test![task]!, msPerStep: r.msPerStep })),
          ),
        },
      ];
    }),
  );
}

function chooseMethod(
  method: string,
  runs: readonly RunResult[],
  select: string,
  higher: boolean,
  baselines: SweepSelection['baselines'],
): MethodChoice {
  const groups = bySetting(runs);
  const settings: SettingScore[] = groups.map(({ setting, runs: seeds }) => {
    const score: SettingScore = { setting, criterion: null, seeds: seeds.length };
    const bad = seeds.find((r) => r.error !== undefined);
    if (bad !== undefined) {
      score.unavailable = `seed ${bad.seed} failed: ${bad.error}`;
      return score;
    }
    try {
      const values = seeds.map((r) => criterion(r.validation!, select, baselines, 'validation'));
      if (values.some((v) => !Number.isFinite(v))) score.unavailable = 'not finite on the validation split';
      else score.criterion = meanAndStd(values);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      score.unavailable = e.message;
    }
    return score;
  });
  let chosen: { setting: Setting; runs: RunResult[] } | null = null;
  let best = Number.NaN;
  settings.forEach((s, i) => {
    const value = s.criterion?.mean;
    if (value === undefined) return;
    if (chosen === null || (higher ? value > best : value < best)) [chosen, best] = [groups[i]!, value];
  });
  if (chosen === null)
    return { method, settings, chosen: null, test: null, testDeltaM: null, msPerStep: null };
  const winner = chosen as { setting: Setting; runs: RunResult[] };
  const tests = winner.runs.map((r) => r.test!);
  const test = Object.fromEntries(
    Object.keys(tests[0]!).map((task) => [
      task,
      Object.fromEntries(
        Object.keys(tests[0]![task]!).map((m) => [m, meanAndStd(tests.map((t) => t[task]![m]!))]),
      ),
    ]),
  );
  let testDeltaM: Stat | null = null;
  if (baselines !== null) {
    try {
      testDeltaM = meanAndStd(tests.map((t) => criterion(t, 'deltaM', baselines, 'test')));
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
    }
  }
  return {
    method,
    settings,
    chosen: winner.setting,
    test,
    testDeltaM,
    msPerStep: mean(winner.runs.map((r) => r.msPerStep)),
  };
}

/** The criterion of one run's metrics on a split. */
function criterion(
  metrics: TaskMetrics,
  select: string,
  baselines: SweepSelection['baselines'],
  split: 'validation' | 'test',
): number {
  if (select === 'loss') return Object.values(metrics).reduce((s, m) => s + (m.loss ?? Number.NaN), 0);
  if (select === 'deltaM') {
    if (baselines === null) throw new ValueError('the single-task baselines failed, so Δm is undefined');
    const reference = Object.fromEntries(Object.entries(baselines).map(([t, b]) => [t, b[split]]));
    return deltaM(withoutLoss(metrics), withoutLoss(reference));
  }
  const dot = select.indexOf('.');
  const task = select.slice(0, dot);
  const metric = select.slice(dot + 1);
  const value = metrics[task]?.[metric];
  if (value === undefined)
    throw new ValueError(
      `sweep.select: there is no metric ${select} (tasks: ${Object.keys(metrics).join(', ')})`,
    );
  return value;
}

function meanMetrics(list: readonly Record<string, number>[]): Record<string, number> {
  return Object.fromEntries(Object.keys(list[0]!).map((k) => [k, mean(list.map((m) => m[k]!))]));
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
