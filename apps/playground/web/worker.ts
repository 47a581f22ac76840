/**
 * One training run in a Web Worker, so the page stays responsive. It trains exactly what the CLI
 * trains for the run's first seed (same data split, model, shuffling and schedule), a few
 * milliseconds at a time, and posts what the charts need between slices; play/pause/step arrive
 * between slices.
 */
import { Trainer } from '@mtl/multitask';
import { saveSafetensors } from '@mtl/nn';
import type { ExperimentConfig } from '../src/config';
import { type ImagePredictions, imagePredictions } from '../src/imageResults';
import { type PackedImages, unpackImages } from '../src/images';
import { methodFactory } from '../src/methods';
import { type AnyOptimizer, makeScheduler, optimizerFactory } from '../src/optimizers';
import { loadData, prepareExperiment, type RunSpec } from '../src/prepare';
import { cosineMatrix, type ToyStep, toySteps } from '../src/toy';
import type { EpochPoint, FromWorker, StepPoint, ToWorker } from './protocol';

/** Work per slice before yielding to messages. */
const SLICE_MS = 30;

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
  const seed = config.seeds[0]!;
  const data = images === undefined ? loadData(config, fileText) : unpackImages(images);
  const prepared = prepareExperiment(config, data);
  const model = prepared.model(seed, run.architecture);
  const weighting = methodFactory(run.method, prepared.taskNames, config.methodOptions[run.method]).make();
  const optimizer = optimizerFactory({ ...config.optimizer, name: run.optimizer })([
    ...model.parameters(),
    ...weighting.parameters(),
  ]);
  const scheduler = makeScheduler(optimizer, config.optimizer.schedule, config.epochs);
  const trainer = new Trainer({
    model,
    tasks: prepared.tasks,
    optimizer,
    weighting,
    scheduler,
    progress: false,
  });
  // Trainer.fit one event at a time; a split with no validation rows has no validation curve.
  const events = trainer.iterate(prepared.train, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed,
    validation: prepared.validation.length > 0 ? prepared.validation : undefined,
    trainMetrics: false,
  });
  const pending: Session['pending'] = { steps: [], epochs: [] };
  return {
    tasks: prepared.taskNames,
    totalSteps: Math.ceil(prepared.train.length / config.batchSize) * config.epochs,
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

function flush(): void {
  if (session === null) return;
  const { steps, epochs } = session.pending;
  if (steps.length === 0 && epochs.length === 0) return;
  post({ type: 'progress', steps: steps.splice(0), epochs: epochs.splice(0), done: stepsDone });
}

/** Runs steps for one slice; `limit` caps the count (1 for the Step button). */
function advance(limit = Number.POSITIVE_INFINITY): void {
  if (session === null || finished) return;
  const started = performance.now();
  let more = true;
  for (let i = 0; i < limit && more && performance.now() - started < SLICE_MS; i++) {
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
  flush();
}

function loop(): void {
  // Before `init` there is nothing to run; `init` starts the loop if Start came first.
  if (!playing || finished || session === null) return;
  try {
    advance();
  } catch (e) {
    fail(e);
    return;
  }
  setTimeout(loop, 0);
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
