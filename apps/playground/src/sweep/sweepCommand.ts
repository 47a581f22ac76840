/**
 * `mtl-playground sweep config.json`: every run of the config's sweep on this machine's cores
 * (stored run by run under `<out>/runs/`, so a second call trains only what is missing), then the
 * fair comparison — each method at the setting its validation criterion prefers, on the test
 * split — printed and written to `<out>/<name>.sweep.json` (atomically).
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { formatComparison, higherIsBetter } from '@mtl/multitask';
import { writeFileAtomic } from '@mtl/nn';
import { ConfigError, type ExperimentConfig, isImageDataset } from '../config';
import { methodLabel as label } from '../methods';
import { expandSweep, formatSetting, type RunRequest } from './expandSweep';
import { enqueueAndWait, safeUrl } from './queue';
import { ResultStore } from './resultStore';
import { runLocally } from './runLocally';
import { type SweepSelection, selectSettings } from './selectSettings';
import { sweepReport } from './sweepReport';
import { checkData, type RunData, type RunResult } from './trainRun';

/** The library version that is part of every run's key: results of another version are not reused. */
export const LIBRARY_VERSION = '0.0.0';

export interface SweepCommandOptions {
  config: ExperimentConfig;
  /** The config as written (the settings are applied to it). */
  raw: Record<string, unknown>;
  data: RunData;
  /** The results folder: runs go to `<out>/runs/`, the comparison to `<out>/<name>.sweep.json`. */
  out: string;
  workers?: number;
  /** A Redis URL: the runs go to its job queue for `worker`s (on any machines) instead of a local pool. */
  queue?: string;
  signal?: AbortSignal;
  /** Progress lines (stderr). */
  note: (line: string) => void;
}

export interface SweepOutcome {
  requests: RunRequest[];
  results: (RunResult | null)[];
  selection: SweepSelection | null;
  trained: number;
  reused: number;
  seconds: number;
  /** Worker processes of the local pool (0 when the runs went to a queue). */
  workers: number;
  /** The comparison's files, JSON and HTML (null when the sweep was stopped before every run finished). */
  written: string[] | null;
  stopped: boolean;
}

export async function sweepCommand({
  config,
  raw,
  data,
  out,
  workers = availableParallelism(),
  queue,
  signal,
  note,
}: SweepCommandOptions): Promise<SweepOutcome> {
  if (config.data.dataset === 'cagradToy')
    throw new ConfigError(
      'sweep: the CAGrad toy has no validation split to choose settings on — sweep a dataset',
    );
  if (isImageDataset(config.data.dataset) && config.data.options.validationImages === 0)
    throw new ConfigError(
      'data.options.validationImages: a sweep chooses settings on the validation split — give it images',
    );
  if (!isImageDataset(config.data.dataset) && !(config.data.split[1] > 0))
    throw new ConfigError(
      `data.split: a sweep chooses settings on the validation split, and ${JSON.stringify(config.data.split)} gives it none — e.g. [0.6, 0.2, 0.2]`,
    );
  const dataKey = data.fileText === undefined ? '' : createHash('sha256').update(data.fileText).digest('hex');
  const requests = expandSweep(config, raw, LIBRARY_VERSION, dataKey);
  const prepared = await checkData(config, data);
  if (prepared.validation.length === 0)
    throw new ConfigError(
      'data.split: the validation split is empty — a sweep chooses settings on it; give it a larger fraction',
    );
  checkSelect(config.sweep!.select, prepared.taskNames);
  const store = await new ResultStore(join(out, 'runs')).open();
  const started = performance.now();
  const used = queue === undefined ? Math.max(1, Math.min(workers, requests.length)) : 0;
  note(
    `${config.name}: ${requests.length} runs (${describeSweep(config, requests)}), ${
      queue === undefined
        ? `${used} worker${used > 1 ? 's' : ''}`
        : `queued on ${safeUrl(queue)} for the workers there`
    }`,
  );
  let firstDone = -1;
  const onResult = (result: RunResult, done: number, total: number) => {
    // The time left, from the pace of the runs trained so far (stored ones took no time).
    if (firstDone < 0) firstDone = done - 1;
    const elapsed = (performance.now() - started) / 1000;
    const left =
      done < total ? ` · ~${Math.ceil((elapsed / (done - firstDone)) * (total - done))} s left` : '';
    note(
      `[${done}/${total}] ${label(result.kind === 'baselines' ? 'single-task baselines' : result.name)} ${formatSetting(result.setting)} seed ${result.seed}: ${
        result.error === undefined ? `${result.seconds.toFixed(1)} s` : `failed — ${result.error}`
      }${left}`,
    );
  };
  const { results, trained, reused } =
    queue === undefined
      ? await runLocally(requests, store, { workers: used, data, signal, onResult })
      : await enqueueAndWait(requests, store, { url: queue, data, signal, onResult });
  const seconds = (performance.now() - started) / 1000;
  if (reused > 0) note(`reused ${reused} stored run${reused > 1 ? 's' : ''} from ${store.dir}`);
  const stopped = results.some((r) => r === null);
  const outcome = { requests, results, trained, reused, seconds, workers: used, stopped };
  if (stopped) return { ...outcome, selection: null, written: null };
  const selection = selectSettings(requests, results, config.sweep!.select, config.methods);
  const json = join(out, `${config.name}.sweep.json`);
  const html = join(out, `${config.name}.sweep.html`);
  await writeFileAtomic(
    json,
    `${JSON.stringify(
      {
        name: config.name,
        createdAt: new Date().toISOString(),
        config,
        runs: requests.map((r, i) => ({
          key: r.key,
          kind: r.kind,
          name: r.name,
          setting: r.setting,
          seed: r.seed,
          status: results[i]?.error === undefined ? 'done' : 'failed',
        })),
        selection,
      },
      null,
      1,
    )}\n`,
    { op: 'sweep results' },
  );
  const where =
    queue === undefined ? `${used} worker process${used > 1 ? 'es' : ''}` : `the queue on ${safeUrl(queue)}`;
  await writeFileAtomic(
    html,
    sweepReport({ name: config.name, config, selection, trained, reused, seconds, where }),
    { op: 'sweep results' },
  );
  const written = [json, html];
  return { ...outcome, selection, written };
}

/** A `<task>.<metric>` criterion names a task of the data and a metric whose direction is known. */
function checkSelect(select: string, tasks: readonly string[]): void {
  if (select === 'deltaM' || select === 'loss') return;
  const dot = select.indexOf('.');
  const task = select.slice(0, dot);
  const metric = select.slice(dot + 1);
  if (!tasks.includes(task))
    throw new ConfigError(
      `sweep.select: there is no task ${JSON.stringify(task)} — the tasks are ${tasks.join(', ')}`,
    );
  try {
    higherIsBetter(metric);
  } catch {
    throw new ConfigError(
      `sweep.select: ${JSON.stringify(metric)} is not a metric whose direction is known — use accuracy, f1, auc, r2, mae, rmse or mse (or "deltaM", "loss")`,
    );
  }
}

/** The summary table: each method at its chosen setting, test metrics and Δm, then the settings chosen. */
export function formatSelection(selection: SweepSelection): string {
  const rows = selection.methods
    .filter((m) => m.test !== null)
    .map((m) => ({
      method: label(m.method),
      metrics: m.test!,
      deltaM: m.testDeltaM,
      msPerStep: m.msPerStep!,
    }));
  const criterion = selection.select === 'deltaM' ? 'validation Δm %' : `validation ${selection.select}`;
  const baselineRows = Object.values(selection.baselines ?? {}).map((b) => b.row);
  const lines = [
    formatComparison({ rows, baselineRows }),
    '',
    `chosen setting (${criterion}, mean±std over seeds, for each setting tried):`,
  ];
  for (const m of selection.methods) {
    const tried = m.settings
      .map((s) => {
        const value =
          s.criterion === null ? 'n/a' : `${s.criterion.mean.toFixed(3)}±${s.criterion.std.toFixed(3)}`;
        const mark = m.chosen !== null && formatSetting(s.setting) === formatSetting(m.chosen) ? ' ←' : '';
        return `${formatSetting(s.setting)} ${value}${mark}`;
      })
      .join('; ');
    lines.push(
      `  ${label(m.method)}: ${m.chosen === null ? 'none (every setting failed)' : formatSetting(m.chosen)} — ${tried}`,
    );
  }
  if (selection.baselines !== null) {
    lines.push('single-task baselines (the rows below the line; each task at its lowest validation loss):');
    for (const [task, b] of Object.entries(selection.baselines))
      lines.push(`  ${task}: ${formatSetting(b.setting)}`);
  }
  if (selection.failed.length > 0) {
    lines.push(`failed runs (${selection.failed.length}):`);
    for (const f of selection.failed)
      lines.push(`  ${label(f.name)} ${formatSetting(f.setting)} seed ${f.seed}: ${f.error}`);
  }
  return lines.join('\n');
}

function describeSweep(config: ExperimentConfig, requests: readonly RunRequest[]): string {
  const methods = requests.filter((r) => r.kind === 'method').length;
  return `${config.methods.length} method${config.methods.length > 1 ? 's' : ''} × settings × ${config.seeds.length} seed${config.seeds.length > 1 ? 's' : ''} = ${methods}, and ${requests.length - methods} of single-task baselines`;
}
