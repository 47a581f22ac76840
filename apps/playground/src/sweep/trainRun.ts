/**
 * One run of a sweep, start to end: the data (loaded once per process and data config), the
 * model of the run's seed, the method (or each task alone, for the baselines), training, and the
 * metrics on the validation split (which choose a setting) and the test split (which report it).
 * The same function runs in a pool's worker process, in a queue worker on another machine, and in
 * the tests, so a run's numbers do not depend on where it ran.
 */
import {
  type EpochRecord,
  EW,
  type StepRecord,
  type TaskSpec,
  Trainer,
  type WeightingMethod,
} from '@mtl/multitask';
import { type ExperimentConfig, isImageDataset } from '../config';
import { type ImageFolders, loadImages } from '../images';
import { type MethodName, methodFactory } from '../methods';
import { makeScheduler, optimizerFactory } from '../optimizers';
import { loadData, type PreparedExperiment, prepareExperiment } from '../prepare';
import type { RunRequest } from './expandSweep';

/** Per task, per metric (the task's metrics and its loss). */
export type TaskMetrics = Record<string, Record<string, number>>;

/** What a run gives, stored under its key. */
export interface RunResult {
  key: string;
  kind: RunRequest['kind'];
  name: string;
  setting: RunRequest['setting'];
  seed: number;
  /** Null when the run failed (see `error`). */
  validation: TaskMetrics | null;
  test: TaskMetrics | null;
  msPerStep: number;
  seconds: number;
  /** Why the run failed (a diverging loss, …); absent for a run that finished. */
  error?: string;
  /** The training history, when the request asked for it (method runs). */
  history?: { steps: StepRecord[]; epochs: EpochRecord[] };
  finishedAt: string;
}

/** Where a run finds its data: a data file's text, the image folders (resolved by the CLI). */
export interface RunData {
  fileText?: string;
  imageFolders?: ImageFolders;
}

/** Trains one run and measures it; a run that fails (its loss diverges) is a result with its error. */
export async function trainRun(request: RunRequest, data: RunData = {}): Promise<RunResult> {
  const started = performance.now();
  const base = {
    key: request.key,
    kind: request.kind,
    name: request.name,
    setting: request.setting,
    seed: request.seed,
  };
  try {
    const prepared = await preparedFor(request.config, data);
    const { validation, test, steps, fitMs, history } =
      request.kind === 'baselines'
        ? trainBaselines(request, prepared)
        : fit(
            request,
            prepared,
            prepared.tasks,
            methodFactory(
              request.name as MethodName,
              prepared.taskNames,
              request.config.methodOptions[request.name as MethodName],
            ).make(),
          );
    const seconds = (performance.now() - started) / 1000;
    return {
      ...base,
      validation,
      test,
      // Training time only (as compareMethods counts it): no data preparation, no evaluation.
      msPerStep: fitMs / Math.max(steps, 1),
      seconds,
      ...(history === undefined ? {} : { history }),
      finishedAt: new Date().toISOString(),
    };
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return failedResult(request, error, (performance.now() - started) / 1000);
  }
}

/** The result of a run that failed: its error, no metrics. */
export function failedResult(request: RunRequest, error: string, seconds = 0): RunResult {
  return {
    key: request.key,
    kind: request.kind,
    name: request.name,
    setting: request.setting,
    seed: request.seed,
    validation: null,
    test: null,
    msPerStep: 0,
    seconds,
    error,
    finishedAt: new Date().toISOString(),
  };
}

interface Trained {
  validation: TaskMetrics;
  test: TaskMetrics;
  steps: number;
  /** Milliseconds in `Trainer.fit`. */
  fitMs: number;
  history?: RunResult['history'];
}

/** Each task alone, with EW on its one loss, from the same initial model as the methods' runs. */
function trainBaselines(request: RunRequest, prepared: PreparedExperiment): Trained {
  const trained = prepared.tasks.map((task) => fit(request, prepared, [task], new EW()));
  const pick = (split: 'validation' | 'test') =>
    Object.fromEntries(prepared.tasks.map((task, i) => [task.name, trained[i]![split][task.name]!]));
  return {
    validation: pick('validation'),
    test: pick('test'),
    steps: trained.reduce((s, t) => s + t.steps, 0),
    fitMs: trained.reduce((s, t) => s + t.fitMs, 0),
  };
}

function fit(
  request: RunRequest,
  prepared: PreparedExperiment,
  tasks: TaskSpec[],
  method: WeightingMethod,
): Trained {
  const { config, seed } = request;
  const model = prepared.model(seed);
  method.init(tasks.map((t) => t.name));
  const optimizer = optimizerFactory(config.optimizer)([...model.parameters(), ...method.parameters()]);
  const trainer = new Trainer({
    model,
    tasks,
    optimizer,
    scheduler: makeScheduler(optimizer, config.optimizer.schedule, config.epochs),
    weighting: method,
  });
  const started = performance.now();
  trainer.fit(prepared.train, { epochs: config.epochs, batchSize: config.batchSize, seed });
  const fitMs = performance.now() - started;
  return {
    fitMs,
    validation: plain(trainer.evaluate(prepared.validation)),
    test: plain(trainer.evaluate(prepared.test)),
    steps: trainer.stepCount,
    ...(request.keepHistory ? { history: trainer.history } : {}),
  };
}

/** Plain objects (the evaluation's records may have a null prototype), so they store as JSON alike. */
function plain(results: TaskMetrics): TaskMetrics {
  return JSON.parse(JSON.stringify(results)) as TaskMetrics;
}

/**
 * The data of a config, prepared as its runs will see it: the CLI calls this once before a sweep,
 * so a missing file or an empty validation split stops it before any run (with the loader's own
 * message), not once per run.
 */
export async function checkData(config: ExperimentConfig, data: RunData = {}): Promise<PreparedExperiment> {
  return preparedFor(config, data);
}

/** The prepared data of the last few data configs this process saw (a worker runs many runs of one sweep). */
const prepared = new Map<string, Promise<PreparedExperiment>>();

function preparedFor(config: ExperimentConfig, data: RunData): Promise<PreparedExperiment> {
  // The model's architecture is part of the preparation, so it is part of what is cached.
  const id = JSON.stringify([config.data, config.seeds[0], config.architecture, data.imageFolders ?? null]);
  let p = prepared.get(id);
  if (p === undefined) {
    p = (async () => {
      const columns = isImageDataset(config.data.dataset)
        ? await loadImages(config, data.imageFolders)
        : loadData(config, data.fileText);
      return prepareExperiment(config, columns);
    })();
    if (prepared.size >= 8) prepared.delete(prepared.keys().next().value!);
    prepared.set(id, p);
    // A failed preparation is not kept: the next run tries again (and fails with its own message).
    p.catch(() => prepared.delete(id));
  }
  return p;
}
