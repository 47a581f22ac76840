import { mul, noGrad, type Parameter, type Variable } from '@mtl/autograd';
import { loadSafetensors, saveSafetensors, writeFileAtomic } from '@mtl/nn';
import { clipGradNorm, type Optimizer } from '@mtl/optim';
import { Generator, MtlError, type Tensor, ValueError } from '@mtl/tensor';
import type { MultiTaskModel } from '../architectures/MultiTaskModel';
import { checkTensor } from '../data/check';
import { DataLoader } from '../data/DataLoader';
import type { MultiTaskDataset } from '../data/MultiTaskDataset';
import type { Standardizer } from '../data/Standardizer';
import { nodeBuiltin } from '../io/nodeBuiltin';
import { EW } from '../methods/EW';
import { WeightingError } from '../methods/shared/WeightingError';
import type { WeightingMethod } from '../methods/WeightingMethod';
import { accuracy } from '../metrics/accuracy';
import { auc } from '../metrics/auc';
import { higherIsBetter } from '../metrics/deltaM';
import { f1 } from '../metrics/f1';
import { mae } from '../metrics/mae';
import { mse } from '../metrics/mse';
import { r2 } from '../metrics/r2';
import { rmse } from '../metrics/rmse';
import { CheckpointError } from './CheckpointError';
import { decodeCheckpoint, encodeCheckpoint } from './checkpointFile';
import { checkData, checkFit, checkTrainerOptions } from './checkTrainerOptions';
import { checkTrainerState } from './checkTrainerState';
import { defaultLoss, maskedTaskLoss, type TaskLossFn, type TaskType } from './maskedTaskLoss';
import { ProgressBar } from './ProgressBar';

export type MetricName = 'mse' | 'mae' | 'rmse' | 'r2' | 'accuracy' | 'f1' | 'auc';

/** A task: its name (a key of the model's outputs and the dataset's labels) and type. */
export interface TaskSpec {
  name: string;
  type: TaskType;
  /** Default by type: MSE, BCE with logits, cross-entropy. */
  loss?: TaskLossFn;
  /** Default by type: mae/rmse/r2, accuracy/f1/auc, accuracy/f1 (macro). */
  metrics?: MetricName[];
  /** A fixed factor on this task's loss before the weighting method sees it. Default 1. */
  weight?: number;
  /**
   * The Standardizer the regression targets were scaled with: metrics are then reported in the
   * original units (the loss stays on the scaled targets).
   */
  targetScaler?: Standardizer;
}

const DEFAULT_METRICS: Record<TaskType, MetricName[]> = {
  regression: ['mae', 'rmse', 'r2'],
  binary: ['accuracy', 'f1', 'auc'],
  multiclass: ['accuracy', 'f1'],
};

/** One training step as the history keeps it. */
export interface StepRecord {
  step: number;
  epoch: number;
  losses: Record<string, number>;
  weights: Record<string, number>;
  /** Sampled every `diagnosticsEvery` steps, where the method computed them. */
  gradNorms?: Record<string, number>;
  cosine?: number[][];
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss per task over the epoch's steps. */
  train: Record<string, number>;
  /** Steps skipped for a non-finite loss (with `onNonFinite: 'skip'`), when there were any. */
  skippedSteps?: number;
  /** Loss and metrics per task on the whole training set at the end of the epoch (unless `trainMetrics: false`). */
  trainMetrics?: Record<string, Record<string, number>>;
  /** Validation loss and metrics per task, when validation data was given. */
  validation?: Record<string, Record<string, number>>;
}

/** The JSON part of a checkpoint. */
export interface TrainerState {
  epoch: number;
  stepCount: number;
  optimizer: unknown;
  weighting: Record<string, unknown>;
  scheduler: unknown;
  generator: number[] | null;
  history: { steps: StepRecord[]; epochs: EpochRecord[] };
}

/** What `Trainer.iterate` yields: a step taken, or an epoch finished (after its evaluation). */
export type TrainingEvent = { type: 'step'; record: StepRecord } | { type: 'epoch'; record: EpochRecord };

export interface TrainerCallbacks {
  onStepEnd?(record: StepRecord, trainer: Trainer): void;
  onEpochEnd?(record: EpochRecord, trainer: Trainer): void;
}

export interface EarlyStopping {
  /** What to watch: `'loss'` (the sum of validation losses) or `'<task>.<metric>'`. Default 'loss'. */
  monitor?: string;
  /** Epochs without improvement before stopping. Default 5. */
  patience?: number;
  /** Put back the weights of the best epoch when stopping. Default true. */
  restoreBest?: boolean;
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  validation?: MultiTaskDataset;
  callbacks?: TrainerCallbacks;
  earlyStopping?: EarlyStopping;
  /** Shuffle each epoch (seeded). Default true. */
  shuffle?: boolean;
  seed?: number;
  /** Evaluate the training set at the end of every epoch (one forward pass). Default true. */
  trainMetrics?: boolean;
}

export interface TrainerOptions {
  model: MultiTaskModel;
  tasks: TaskSpec[];
  // biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
  optimizer: Optimizer<any>;
  /** Default EW. */
  weighting?: WeightingMethod;
  /** Stepped once per epoch; its stateDict goes into checkpoints. */
  scheduler?: { step(): void; stateDict?(): unknown; loadStateDict?(state: never): void };
  /** Clip the global gradient norm of the model's parameters to this value. */
  clipGradNorm?: number;
  /**
   * Combine gradients of the model's shared representation instead of the shared parameters
   * (MGDA-UB's saving, for gradient-level methods). Always on for methods that need it (GradDrop).
   */
  useRepresentation?: boolean;
  /** Keep gradient norms and cosines every k steps (0: never). Default 1. */
  diagnosticsEvery?: number;
  /** A NaN or infinite loss stops training with an error (default) or skips the step. */
  onNonFinite?: 'throw' | 'skip';
  /**
   * With `onNonFinite: 'skip'`, the share of an epoch's steps that may be skipped before `fit`
   * stops with an error naming the first bad task and step (training that skips most steps is
   * not training). Default 0.5.
   */
  maxSkippedFraction?: number;
  /** The terminal progress bar; false for none. Default: one on stdout (silent off a TTY). */
  progress?: ProgressBar | false;
}

/**
 * Trains a multi-task model: per-task losses with missing labels left out, a weighting method
 * to combine them, an optimizer (and scheduler), a history of losses, weights and gradient
 * diagnostics, validation metrics, early stopping, and a progress bar on a terminal.
 */
export class Trainer {
  readonly model: MultiTaskModel;
  readonly tasks: TaskSpec[];
  // biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
  readonly optimizer: Optimizer<any>;
  readonly weighting: WeightingMethod;
  readonly history: { steps: StepRecord[]; epochs: EpochRecord[] } = { steps: [], epochs: [] };
  /** Steps taken so far. */
  stepCount = 0;
  epoch = 0;
  private readonly lastFinite = new Map<string, number>();
  /** Steps skipped for a non-finite loss since the epoch began, and the first of them. */
  private skipped: { count: number; first: string | null } = { count: 0, first: null };
  /** Shuffles the training data; created by the first `fit`, kept across fits and in checkpoints. */
  private generator: Generator | null = null;
  /**
   * The model's shared parameters during `fit`/`iterate`, taken once per run (the model's split
   * into shared and task parameters is fixed; some models build it with a Set and a filter).
   */
  private shared: Parameter[] | null = null;

  constructor(private readonly options: TrainerOptions) {
    const { model, tasks, optimizer, weighting = new EW() } = checkTrainerOptions(options);
    this.model = model;
    this.tasks = tasks;
    this.optimizer = optimizer;
    this.weighting = weighting;
    weighting.init(tasks.map((t) => t.name));
    checkOptimizerHolds(optimizer, weighting);
  }

  /** One optimization step on a batch; null when no task had a label in it. */
  trainStep(batch: { features: Tensor; labels: Record<string, Tensor> }): StepRecord | null {
    checkData('Trainer.trainStep', 'batch', batch, this.tasks);
    return this.step(batch);
  }

  /** `trainStep` on a batch already checked (fit's batches come from a checked dataset). */
  private step(batch: { features: Tensor; labels: Record<string, Tensor> }): StepRecord | null {
    this.model.train();
    this.optimizer.zeroGrad();
    for (const p of this.weighting.parameters()) p.zeroGrad();
    const losses = this.taskLosses(batch);
    const values = Object.fromEntries(Object.entries(losses).map(([t, l]) => [t, l.item()]));
    for (const [task, value] of Object.entries(values)) {
      if (Number.isFinite(value)) continue;
      const where = `the loss of task ${JSON.stringify(task)} is ${value} at step ${this.stepCount} (epoch ${this.epoch})`;
      if (this.options.onNonFinite === 'skip') {
        this.skipped.count++;
        this.skipped.first ??= where;
        return null;
      }
      const last = this.lastFinite.get(task);
      throw new MtlError(
        `Trainer: ${where}; its last finite loss was ${last ?? 'never seen'} — lower the learning rate, clip gradients, or pass onNonFinite: 'skip'`,
      );
    }
    if (Object.keys(losses).length === 0) return null;
    for (const [task, value] of Object.entries(values)) this.lastFinite.set(task, value);
    const weights = this.weighting.backward(losses, {
      shared: this.shared ?? this.model.sharedParameters(),
      representation:
        this.options.useRepresentation || this.weighting.needsRepresentation
          ? this.model.representation
          : null,
      epoch: this.epoch,
    });
    if (this.options.clipGradNorm !== undefined)
      clipGradNorm(this.model.parameters(), this.options.clipGradNorm);
    this.optimizer.step();
    const record: StepRecord = { step: this.stepCount, epoch: this.epoch, losses: values, weights };
    const every = this.options.diagnosticsEvery ?? 1;
    const diagnostics = this.weighting.lastDiagnostics;
    if (every > 0 && this.stepCount % every === 0 && diagnostics?.gradNorms) {
      record.gradNorms = diagnostics.gradNorms;
      record.cosine = diagnostics.cosine;
    }
    this.stepCount++;
    this.history.steps.push(record);
    return record;
  }

  /**
   * Trains until `epochs` epochs are done in all (like Keras' `epochs` with `initial_epoch`), so a
   * trainer restored from a checkpoint continues where it stopped; returns the history.
   */
  fit(train: MultiTaskDataset, fitOptions: FitOptions): { steps: StepRecord[]; epochs: EpochRecord[] } {
    const events = this.iterate(train, fitOptions);
    let next = events.next();
    while (!next.done) next = events.next();
    return next.value;
  }

  /**
   * `fit` one event at a time: each step taken and each epoch finished, then the history as the
   * return value. For a caller that must stay responsive between steps (a Web Worker that
   * pauses, a UI): it advances training by calling `next()`; `fit` runs it to the end.
   */
  *iterate(
    train: MultiTaskDataset,
    fitOptions: FitOptions,
  ): IterableIterator<TrainingEvent, { steps: StepRecord[]; epochs: EpochRecord[] }> {
    const {
      epochs,
      batchSize = 32,
      validation,
      callbacks,
      earlyStopping,
      shuffle = true,
      seed = 0,
      trainMetrics = true,
    } = checkFit(train, fitOptions, this.tasks);
    this.generator ??= new Generator(seed);
    const loader = new DataLoader(train, { batchSize, shuffle, generator: this.generator });
    const bar = this.options.progress === false ? null : (this.options.progress ?? new ProgressBar());
    bar?.start();
    const monitor = earlyStopping?.monitor ?? 'loss';
    const patience = earlyStopping?.patience ?? 5;
    let best = Number.POSITIVE_INFINITY;
    let bestState: Record<string, Tensor> | null = null;
    let sinceBest = 0;
    this.shared = this.model.sharedParameters();
    try {
      for (let e = this.epoch; e < epochs; e++) {
        const sums: Record<string, { total: number; count: number }> = Object.create(null);
        let step = 0;
        this.skipped = { count: 0, first: null };
        for (const batch of loader) {
          const record = this.step(batch);
          step++;
          if (record === null) continue;
          for (const [task, value] of Object.entries(record.losses)) {
            const s = sums[task] ?? { total: 0, count: 0 };
            s.total += value;
            s.count++;
            sums[task] = s;
          }
          callbacks?.onStepEnd?.(record, this);
          bar?.update({ epoch: e, epochs, step, steps: loader.length, values: record.losses });
          yield { type: 'step', record };
        }
        this.checkSkipped(step);
        this.options.scheduler?.step();
        const epochRecord: EpochRecord = {
          epoch: this.epoch,
          train: Object.fromEntries(Object.entries(sums).map(([t, s]) => [t, s.total / s.count])),
        };
        if (this.skipped.count > 0) epochRecord.skippedSteps = this.skipped.count;
        if (trainMetrics) epochRecord.trainMetrics = this.evaluate(train);
        if (validation !== undefined) epochRecord.validation = this.evaluate(validation);
        this.history.epochs.push(epochRecord);
        callbacks?.onEpochEnd?.(epochRecord, this);
        this.epoch++;
        yield { type: 'epoch', record: epochRecord };
        if (earlyStopping && epochRecord.validation) {
          const score = monitored(monitor, epochRecord.validation);
          if (score < best) {
            best = score;
            sinceBest = 0;
            if (earlyStopping.restoreBest ?? true) bestState = snapshot(this.model.stateDict());
          } else if (++sinceBest >= patience) {
            break;
          }
        }
      }
      if (bestState !== null) this.model.loadStateDict(bestState);
    } finally {
      this.shared = null;
      bar?.finish();
    }
    return this.history;
  }

  /** Stops a run whose epoch skipped more than `maxSkippedFraction` of its `steps`. */
  private checkSkipped(steps: number): void {
    const { count, first } = this.skipped;
    const allowed = this.options.maxSkippedFraction ?? 0.5;
    if (count === 0 || count <= allowed * steps) return;
    throw new MtlError(
      `Trainer.fit: ${count} of ${steps} steps in epoch ${this.epoch} were skipped for a non-finite loss (first: ${first}), ` +
        `more than maxSkippedFraction (${allowed}) allows — lower the learning rate, clip gradients, or look for NaN in the data`,
    );
  }

  /**
   * Everything needed to resume: the model's weights as safetensors bytes, and the optimizer,
   * weighting method and scheduler states, the shuffling generator, the epoch, the step count and
   * the history. A trainer built the same way and given it to `restore` continues the exact
   * trajectory of an uninterrupted run. The state may hold NaN and ±Infinity (in optimizer
   * moments, in the history): keep it in memory, or write both parts with `save`, which keeps
   * every bit — `JSON.stringify` would turn them into `null`.
   */
  checkpoint(): { weights: Uint8Array; state: TrainerState } {
    return { weights: saveSafetensors(this.model.stateDict()), state: this.state() };
  }

  /**
   * Puts a checkpoint back (see `checkpoint`). Everything is checked before the trainer changes,
   * and a part that fails to load (a model or optimizer of another shape) puts back what was
   * there, so a bad checkpoint leaves the trainer as it was.
   */
  restore({ weights, state }: { weights: Uint8Array | Record<string, Tensor>; state: TrainerState }): void {
    const tensors = weights instanceof Uint8Array ? loadSafetensors(weights) : weights;
    checkTrainerState(state);
    const before = { weights: snapshot(this.model.stateDict()), state: this.state() };
    try {
      this.apply(tensors, state);
    } catch (error) {
      this.apply(before.weights, before.state);
      throw error;
    }
  }

  /**
   * Writes a checkpoint to `path` as one safetensors file (Node only): the model's weights under
   * their own names, which PyTorch loads with
   * `{k: v for k, v in load_file(path).items() if '/' not in k}`, and the rest of the trainer's
   * state beside them, every number kept exactly. The file is replaced atomically (written to a
   * temporary file, flushed, renamed), so a crash, a kill or a full disk during `save` leaves the
   * previous checkpoint whole; a failed write throws `SaveError`.
   */
  async save(path: string): Promise<void> {
    const bytes = encodeCheckpoint({ weights: this.model.stateDict(), state: this.state() });
    await writeFileAtomic(path, bytes, { op: 'Trainer.save' });
  }

  /**
   * Reads a checkpoint that `save` wrote into this trainer (Node only). A damaged, truncated or
   * foreign file, or one written by a trainer of another shape, throws `CheckpointError` naming
   * the file and the problem, and leaves this trainer as it was.
   */
  async load(path: string): Promise<void> {
    const { readFile } = await nodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      throw new CheckpointError(`Trainer.load: cannot read ${path} — ${(error as Error).message}`, {
        cause: error,
      });
    }
    const { weights, state } = decodeCheckpoint(bytes, `Trainer.load: ${path}`);
    try {
      this.restore({ weights, state: state as TrainerState });
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(
        `Trainer.load: ${path} does not fit this trainer — ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** The JSON-like part of a checkpoint (a copy: later training does not change it). */
  private state(): TrainerState {
    return {
      epoch: this.epoch,
      stepCount: this.stepCount,
      optimizer: this.optimizer.stateDict(),
      weighting: structuredClone(this.weighting.stateDict()),
      scheduler: structuredClone(this.options.scheduler?.stateDict?.() ?? null),
      generator: this.generator?.getState() ?? null,
      history: structuredClone(this.history),
    };
  }

  private apply(weights: Record<string, Tensor>, state: TrainerState): void {
    this.model.loadStateDict(weights);
    this.optimizer.loadStateDict(state.optimizer as never);
    this.weighting.loadStateDict(state.weighting);
    if (state.scheduler !== null) this.options.scheduler?.loadStateDict?.(state.scheduler as never);
    if (state.generator !== null) {
      this.generator ??= new Generator(0);
      this.generator.setState(state.generator);
    } else {
      this.generator = null;
    }
    this.epoch = state.epoch;
    this.stepCount = state.stepCount;
    this.history.steps = structuredClone(state.history.steps);
    this.history.epochs = structuredClone(state.history.epochs);
  }

  /** Each task's loss and metrics on `data` (labels missing for a task are left out). */
  evaluate(data: MultiTaskDataset): Record<string, Record<string, number>> {
    checkData('Trainer.evaluate', 'data', data, this.tasks);
    const out = this.predict(data.features);
    const results: Record<string, Record<string, number>> = Object.create(null);
    noGrad(() => {
      for (const task of this.tasks) {
        const prediction = out[task.name]!;
        const target = data.labels[task.name];
        if (target === undefined)
          throw new ValueError(
            `Trainer.evaluate: the data has no labels for task ${JSON.stringify(task.name)}`,
          );
        const loss = maskedTaskLoss(
          task.name,
          task.type,
          prediction,
          target,
          task.loss ?? defaultLoss(task.type),
        );
        const entry: Record<string, number> = { loss: loss === null ? Number.NaN : loss.item() };
        const scaler = task.type === 'regression' ? task.targetScaler : undefined;
        const p = scaler ? scaler.inverseTransform(fitTo(prediction, target)) : prediction;
        const t = scaler ? scaler.inverseTransform(target) : target;
        for (const metric of task.metrics ?? DEFAULT_METRICS[task.type])
          entry[metric] = computeMetric(metric, task.type, p, t);
        results[task.name] = entry;
      }
    });
    return results;
  }

  /** The model's outputs for `features`, in eval mode and without recording a graph. */
  predict(features: Tensor): Record<string, Tensor> {
    checkTensor('Trainer.predict', 'features', features);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return noGrad(() =>
        Object.fromEntries(Object.entries(this.model.forward(features)).map(([t, v]) => [t, v.value])),
      );
    } finally {
      this.model.train(wasTraining);
    }
  }

  private taskLosses(batch: { features: Tensor; labels: Record<string, Tensor> }): Record<string, Variable> {
    const out = this.model.forward(batch.features);
    const losses: Record<string, Variable> = Object.create(null);
    for (const task of this.tasks) {
      const target = batch.labels[task.name];
      if (target === undefined)
        throw new ValueError(`Trainer: the batch has no labels for task ${JSON.stringify(task.name)}`);
      const loss = maskedTaskLoss(task.name, task.type, out[task.name]!, target, task.loss);
      if (loss !== null)
        losses[task.name] = task.weight === undefined || task.weight === 1 ? loss : mul(loss, task.weight);
    }
    return losses;
  }
}

/** [N, 1] predictions for [N] targets, reshaped to [N]. */
function fitTo(prediction: Tensor, target: Tensor): Tensor {
  return prediction.rank === 2 && prediction.shape[1] === 1 && target.rank === 1
    ? prediction.reshape([prediction.shape[0]!])
    : prediction;
}

function computeMetric(metric: MetricName, type: TaskType, prediction: Tensor, target: Tensor): number {
  const p =
    (type === 'regression' || type === 'binary') &&
    prediction.rank === 2 &&
    prediction.shape[1] === 1 &&
    target.rank === 1
      ? prediction.reshape([prediction.shape[0]!])
      : prediction;
  const present = type === 'multiclass' ? { mask: Array.from(target.data, (v) => v >= 0) } : {};
  switch (metric) {
    case 'mse':
      return mse(p, target);
    case 'mae':
      return mae(p, target);
    case 'rmse':
      return rmse(p, target);
    case 'r2':
      return r2(p, target);
    case 'accuracy':
      return accuracy(p, target, present);
    case 'f1':
      return f1(p, target, type === 'multiclass' ? { ...present, average: 'macro' } : present);
    case 'auc':
      return auc(p, target);
  }
}

/** The monitored quantity, lower is better: the summed loss, or −metric for higher-is-better metrics. */
function monitored(monitor: string, validation: Record<string, Record<string, number>>): number {
  if (monitor === 'loss')
    return Object.values(validation).reduce((s, m) => s + (Number.isNaN(m.loss!) ? 0 : m.loss!), 0);
  const [task, metric] = monitor.split('.') as [string, string];
  const value = validation[task]?.[metric];
  if (value === undefined)
    throw new ValueError(
      `Trainer.fit: earlyStopping.monitor ${JSON.stringify(monitor)} is not among the validation results`,
    );
  return higherIsBetter(metric) ? -value : value;
}

function snapshot(sd: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.clone()]));
}

/**
 * Refuses a weighting whose learnable parameters the optimizer does not hold: they would get
 * gradients every step and never move (UW's log-variances staying at −0.5, with no error).
 */
// biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
function checkOptimizerHolds(optimizer: Optimizer<any>, weighting: WeightingMethod): void {
  const own = weighting.parameters();
  if (own.length === 0) return;
  const held = new Set<unknown>((optimizer.paramGroups ?? []).flatMap((g) => g.params));
  const missing = own.filter((p) => !held.has(p));
  if (missing.length === 0) return;
  throw new WeightingError(
    `Trainer: ${weighting.name}'s parameters ${missing.map((p) => p.name ?? '(unnamed)').join(', ')} are not in the optimizer, so they would never be trained — ` +
      `call .init(taskNames) on the method (or pass { tasks }) before building the optimizer from [...model.parameters(), ...weighting.parameters()]`,
  );
}
