/**
 * One training run in a Web Worker, so the page stays responsive. It trains exactly what the CLI
 * trains for the run's first seed (same data split, model, shuffling and schedule), one step at a
 * time, giving way to the page's messages between steps (so Pause stops at once), and posts what
 * the charts need every few milliseconds.
 */
import { EW, type TaskSpec, Trainer, type WeightingMethod } from '@mtl/multitask';
import { saveSafetensors } from '@mtl/nn';
import type { ExperimentConfig } from '../src/config';
import { type ImagePredictions, imagePredictions } from '../src/imageResults';
import { type PackedImages, unpackImages } from '../src/images';
import { methodFactory } from '../src/methods';
import { type AnyOptimizer, makeScheduler, optimizerFactory } from '../src/optimizers';
import { loadData, type PreparedExperiment, prepareExperiment, type RunSpec } from '../src/prepare';
import { cosineMatrix, type ToyStep, toySteps } from '../src/toy';
import type { EpochPoint, FromWorker, StepPoint, ToWorker } from './protocol';

/** How often progress is posted to the page while playing. */
const POST_MS = 30;
/**
 * Steps run back to back before the worker gives way to the page's messages: short enough that
 * Pause stops training at once, long enough that a toy's microsecond steps are not all yields.
 */
const SLICE_MS = 2;

/** A run advanced one optimisation step at a time. */
interface Session {
  tasks: string[];
  totalSteps: number;
  /** Takes one step; false when there was none left (training is over). */
  step(): boolean;
  finish(): { metrics: Record<string, Record<string, number>>; images?: ImagePredictions };
  modelBytes(): Uint8Array;
  pending: { steps: StepPoint[]; epochs: EpochPoint[] };
}

let session: Session | null = null;
let playing = false;
let stepsDone = 0;
let trainMs = 0;
let finished = false;
/** A Step pressed before `init` arrived (an image dataset still loading in the page): taken on init. */
let stepBeforeInit = false;

const post = (message: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

const lrOf = (optimizer: AnyOptimizer) => optimizer.paramGroups[0]!.lr as number;

function datasetSession(
  config: ExperimentConfig,
  run: RunSpec,
  fileText?: string,
  images?: PackedImages,
): Session {
  const data = images === undefined ? loadData(config, fileText) : unpackImages(images);
  const prepared = prepareExperiment(config, data);
  if (run.baselines) return baselinesSession(config, run, prepared);
  const weighting = methodFactory(run.method, prepared.taskNames, config.methodOptions[run.method]).make();
  const { model, optimizer, trainer } = training(config, run, prepared, prepared.tasks, weighting);
  // Trainer.fit one event at a time; a split with no validation rows has no validation curve.
  const events = trainer.iterate(prepared.train, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seeds[0]!,
    validation: prepared.validation.length > 0 ? prepared.validation : undefined,
    trainMetrics: false,
  });
  const pending: Session['pending'] = { steps: [], epochs: [] };
  return {
    tasks: prepared.taskNames,
    totalSteps: stepsPerRun(config, prepared),
    pending,
    step() {
      for (;;) {
        // Read before the event: a step's own rate, or the epoch's before the scheduler moves it.
        const lr = lrOf(optimizer);
        const next = events.next();
        if (next.done) return false;
        const event = next.value;
        if (event.type === 'step') {
          const record = event.record;
          pending.steps.push({ ...record, lr });
          return true;
        }
        const { epoch, train, validation } = event.record;
        pending.epochs.push({
          epoch,
          train,
          validation: validation
            ? Object.fromEntries(Object.entries(validation).map(([t, m]) => [t, m.loss!]))
            : null,
          lr,
        });
      }
    },
    finish: () => ({
      metrics: trainer.evaluate(prepared.test),
      ...(images === undefined
        ? {}
        : {
            images: imagePredictions(
              model,
              prepared.test,
              Object.fromEntries(prepared.taskNames.map((t) => [t, data.tasks[t]!.classes!.length])),
            ),
          }),
    }),
    modelBytes: () => saveSafetensors(model.stateDict()),
  };
}

/** The model, optimizer and Trainer of a run on `tasks`, as the CLI's compareMethods builds them. */
function training(
  config: ExperimentConfig,
  run: RunSpec,
  prepared: PreparedExperiment,
  tasks: TaskSpec[],
  weighting: WeightingMethod,
) {
  const model = prepared.model(config.seeds[0]!, run.architecture);
  weighting.init(tasks.map((t) => t.name));
  const optimizer = optimizerFactory({ ...config.optimizer, name: run.optimizer })([
    ...model.parameters(),
    ...weighting.parameters(),
  ]);
  const scheduler = makeScheduler(optimizer, config.optimizer.schedule, config.epochs);
  const trainer = new Trainer({ model, tasks, optimizer, weighting, scheduler, progress: false });
  return { model, optimizer, trainer };
}

const stepsPerRun = (config: ExperimentConfig, prepared: PreparedExperiment) =>
  Math.ceil(prepared.train.length / config.batchSize) * config.epochs;

/**
 * The single-task baselines, one task after the other: each task alone with EW, from the same
 * initial model as the methods (the CLI's baselines for the first seed). Their test metrics are
 * what the page's Δm is relative to; they draw no curves.
 */
function baselinesSession(config: ExperimentConfig, run: RunSpec, prepared: PreparedExperiment): Session {
  const metrics: Record<string, Record<string, number>> = {};
  const start = (i: number) => {
    const task = prepared.tasks[i]!;
    const { trainer } = training(config, run, prepared, [task], new EW());
    const events = trainer.iterate(prepared.train, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seeds[0]!,
      trainMetrics: false,
    });
    return { task, trainer, events };
  };
  let index = 0;
  let current = start(0);
  return {
    tasks: prepared.taskNames,
    totalSteps: stepsPerRun(config, prepared) * prepared.tasks.length,
    pending: { steps: [], epochs: [] },
    step() {
      for (;;) {
        const next = current.events.next();
        if (!next.done) {
          if (next.value.type === 'step') return true;
          continue;
        }
        metrics[current.task.name] = current.trainer.evaluate(prepared.test)[current.task.name]!;
        if (++index >= prepared.tasks.length) return false;
        current = start(index);
      }
    },
    finish: () => ({ metrics }),
    modelBytes: () => new Uint8Array(0),
  };
}

/**
 * The CAGrad toy: the three starting points advance together, one step each per step; the charts
 * and paths get the recorded steps (about 2,000 of a run, so 100,000 steps stay light).
 */
function toySession(config: ExperimentConfig, run: RunSpec): Session {
  const runs = [0, 1, 2].map((start) => toySteps(config, run.method, run.optimizer, start));
  const last: ToyStep[] = [];
  const pending: Session['pending'] = { steps: [], epochs: [] };
  let step = 0;
  return {
    tasks: ['l1', 'l2'],
    totalSteps: config.epochs,
    pending,
    step() {
      if (step >= config.epochs) return false;
      runs.forEach((r, i) => {
        last[i] = r.next().value as ToyStep;
      });
      const mean = (t: 'l1' | 'l2') => last.reduce((s, p) => s + p.losses[t], 0) / last.length;
      if (last[0]!.recorded)
        pending.steps.push({
          step,
          epoch: step,
          losses: { l1: mean('l1'), l2: mean('l2') },
          weights: last[0]!.weights,
          // The first start's task gradients (each start's path has its own).
          cosine: cosineMatrix(last[0]!.cosine ?? Number.NaN),
          lr: config.optimizer.lr,
          xs: last.map((p) => p.x),
        });
      step++;
      return true;
    },
    finish: () => ({
      metrics: Object.fromEntries(
        (['l1', 'l2'] as const).map((t) => [
          t,
          { finalLoss: last.reduce((s, p) => s + p.losses[t], 0) / last.length },
        ]),
      ),
    }),
    modelBytes: () => new Uint8Array(0),
  };
}

let lastPost = 0;
/** The step count the page last heard of (the baselines' run has no curves, only progress). */
let postedDone = 0;

function flush(): void {
  lastPost = performance.now();
  if (session === null) return;
  const { steps, epochs } = session.pending;
  if (steps.length === 0 && epochs.length === 0 && stepsDone === postedDone) return;
  postedDone = stepsDone;
  post({ type: 'progress', steps: steps.splice(0), epochs: epochs.splice(0), done: stepsDone });
}

/** Runs steps for one slice; `limit` caps the count (1 for the Step button). */
function advance(limit = Number.POSITIVE_INFINITY): void {
  if (session === null || finished) return;
  const started = performance.now();
  let more = true;
  for (let i = 0; i < limit && more && (i === 0 || performance.now() - started < SLICE_MS); i++) {
    more = session.step();
    if (more) stepsDone++;
  }
  trainMs += performance.now() - started;
  if (!more) {
    finished = true;
    const { metrics, images } = session.finish();
    flush();
    post({
      type: 'finished',
      metrics,
      msPerStep: trainMs / Math.max(stepsDone, 1),
      ...(images ? { images } : {}),
    });
    return;
  }
  if (limit !== Number.POSITIVE_INFINITY || performance.now() - lastPost >= POST_MS) flush();
}

// A message to itself gives way to the page's messages without setTimeout's 4 ms clamp.
const next = new MessageChannel();
next.port1.onmessage = () => loop();

function loop(): void {
  // Before `init` there is nothing to run; `init` starts the loop if Start came first.
  if (!playing || finished || session === null) return;
  try {
    advance();
  } catch (e) {
    fail(e);
    return;
  }
  next.port2.postMessage(null);
}

function fail(e: unknown): void {
  playing = false;
  finished = true;
  post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'init': {
        const { config, run, fileText, images } = message;
        session =
          config.data.dataset === 'cagradToy'
            ? toySession(config, run)
            : datasetSession(config, run, fileText, images);
        post({ type: 'ready', tasks: session.tasks, totalSteps: session.totalSteps });
        if (playing) loop();
        else if (stepBeforeInit) advance(1);
        break;
      }
      case 'play':
        if (!playing) {
          playing = true;
          loop();
        }
        break;
      case 'pause':
        playing = false;
        // What was done up to now, at once: the page's counters stop where training stopped.
        flush();
        post({ type: 'paused' });
        break;
      case 'step':
        if (session === null) stepBeforeInit = true;
        else if (!playing) advance(1);
        break;
      case 'exportModel': {
        const bytes = session?.modelBytes() ?? new Uint8Array(0);
        post({ type: 'model', bytes }, [bytes.buffer]);
        break;
      }
    }
  } catch (e) {
    fail(e);
  }
};
