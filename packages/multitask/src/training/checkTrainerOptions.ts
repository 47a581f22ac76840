import { checkBoolean, checkChoice, checkInteger, checkNumber, mustBe, ValueError } from '@mtl/tensor';
import { checkOptions, checkTensor } from '../data/check';
import type { FitOptions, TaskSpec, TrainerOptions } from './Trainer';

/*
 * The Trainer's public boundary: its options, fit's options and the data it is given, checked
 * before any work so a typo or a wrong value is named at once, not after an epoch of training.
 */

const TRAINER_KEYS = [
  'model',
  'tasks',
  'optimizer',
  'weighting',
  'scheduler',
  'clipGradNorm',
  'useRepresentation',
  'diagnosticsEvery',
  'onNonFinite',
  'maxSkippedFraction',
  'progress',
] as const;
const TASK_KEYS = ['name', 'type', 'loss', 'metrics', 'weight', 'targetScaler'] as const;
const TASK_TYPES = ['regression', 'binary', 'multiclass'] as const;
const METRICS = ['mse', 'mae', 'rmse', 'r2', 'accuracy', 'f1', 'auc'] as const;
const FIT_KEYS = [
  'epochs',
  'batchSize',
  'validation',
  'callbacks',
  'earlyStopping',
  'shuffle',
  'seed',
  'trainMetrics',
] as const;

/** Checks `new Trainer(options)`'s argument; returns it typed. */
export function checkTrainerOptions(options: unknown): TrainerOptions {
  const op = 'Trainer';
  const o = checkOptions(op, 'options', options, TRAINER_KEYS);
  const model = o.model as TrainerOptions['model'] | undefined;
  if (!hasMethods(model, ['forward', 'sharedParameters', 'parameters']) || !Array.isArray(model.tasks)) {
    throw new ValueError(
      mustBe(
        op,
        'options.model',
        'a multi-task model',
        model,
        'e.g. HardSharing.mlp({ inputSize, hidden, tasks })',
      ),
    );
  }
  if (!Array.isArray(o.tasks) || o.tasks.length === 0) {
    throw new ValueError(
      mustBe(
        op,
        'options.tasks',
        'a non-empty array of tasks',
        o.tasks,
        "e.g. [{ name: 'price', type: 'regression' }]",
      ),
    );
  }
  const names = new Set<string>();
  o.tasks.forEach((task: unknown, i: number) => {
    const name = checkTask(op, `options.tasks[${i}]`, task, model.tasks);
    if (names.has(name))
      throw new ValueError(`${op}: task ${JSON.stringify(name)} is listed twice in options.tasks`);
    names.add(name);
  });
  if (!hasMethods(o.optimizer, ['step', 'zeroGrad', 'stateDict', 'loadStateDict'])) {
    throw new ValueError(
      mustBe(
        op,
        'options.optimizer',
        'an @mtl/optim optimizer',
        o.optimizer,
        'e.g. new Adam(model.parameters())',
      ),
    );
  }
  if (
    o.weighting !== undefined &&
    !hasMethods(o.weighting, ['backward', 'init', 'stateDict', 'loadStateDict', 'parameters'])
  ) {
    throw new ValueError(
      mustBe(op, 'options.weighting', 'a weighting method', o.weighting, 'e.g. new EW() or new PCGrad()'),
    );
  }
  if (o.scheduler !== undefined && !hasMethods(o.scheduler, ['step'])) {
    throw new ValueError(mustBe(op, 'options.scheduler', 'a scheduler with step()', o.scheduler));
  }
  if (o.clipGradNorm !== undefined)
    checkNumber(op, 'options.clipGradNorm', o.clipGradNorm, { min: 0, minExclusive: true });
  checkBoolean(op, 'options.useRepresentation', o.useRepresentation, false);
  if (o.diagnosticsEvery !== undefined)
    checkInteger(op, 'options.diagnosticsEvery', o.diagnosticsEvery, { min: 0 });
  checkChoice(op, 'options.onNonFinite', o.onNonFinite, ['throw', 'skip'], 'throw');
  if (o.maxSkippedFraction !== undefined)
    checkNumber(op, 'options.maxSkippedFraction', o.maxSkippedFraction, { min: 0, max: 1 });
  if (
    o.progress !== undefined &&
    o.progress !== false &&
    !hasMethods(o.progress, ['start', 'update', 'finish'])
  ) {
    throw new ValueError(mustBe(op, 'options.progress', 'a ProgressBar or false', o.progress));
  }
  return options as TrainerOptions;
}

function checkTask(op: string, where: string, task: unknown, outputs: readonly string[]): string {
  const t = checkOptions(op, where, task, TASK_KEYS);
  if (typeof t.name !== 'string')
    throw new ValueError(mustBe(op, `${where}.name`, 'a task name, an output of the model', t.name));
  if (!outputs.includes(t.name)) {
    throw new ValueError(
      `${op}: task ${JSON.stringify(t.name)} is not an output of the model (${outputs.join(', ')}) — see ${where}.name`,
    );
  }
  if (t.type === undefined)
    throw new ValueError(`${op}: ${where}.type is missing — use 'regression', 'binary' or 'multiclass'`);
  checkChoice(op, `${where}.type`, t.type, TASK_TYPES, 'regression');
  if (t.loss !== undefined && typeof t.loss !== 'function')
    throw new ValueError(mustBe(op, `${where}.loss`, 'a function', t.loss));
  if (t.metrics !== undefined) {
    if (!Array.isArray(t.metrics))
      throw new ValueError(mustBe(op, `${where}.metrics`, 'an array of metric names', t.metrics));
    t.metrics.forEach((m: unknown, i: number) => {
      checkChoice(op, `${where}.metrics[${i}]`, m === undefined ? null : m, METRICS, 'mae');
    });
  }
  if (t.weight !== undefined) checkNumber(op, `${where}.weight`, t.weight, { min: 0 });
  if (t.targetScaler !== undefined && !hasMethods(t.targetScaler, ['inverseTransform'])) {
    throw new ValueError(mustBe(op, `${where}.targetScaler`, 'a fitted Standardizer', t.targetScaler));
  }
  return t.name;
}

/** Checks `fit(train, options)`'s arguments against the trainer's tasks. */
export function checkFit(train: unknown, options: unknown, tasks: readonly TaskSpec[]): FitOptions {
  const op = 'Trainer.fit';
  checkData(op, 'train', train, tasks);
  if (options === undefined) throw new ValueError(`${op}: options must be given — pass at least { epochs }`);
  const o = checkOptions(op, 'options', options, FIT_KEYS);
  checkInteger(op, 'options.epochs', o.epochs, { min: 1, max: 1e9 });
  if (o.batchSize !== undefined) checkInteger(op, 'options.batchSize', o.batchSize, { min: 1 });
  if (o.validation !== undefined) checkData(op, 'options.validation', o.validation, tasks);
  if (o.callbacks !== undefined) {
    const c = checkOptions(op, 'options.callbacks', o.callbacks, ['onStepEnd', 'onEpochEnd']);
    for (const [key, f] of Object.entries(c))
      if (typeof f !== 'function')
        throw new ValueError(mustBe(op, `options.callbacks.${key}`, 'a function', f));
  }
  if (o.earlyStopping !== undefined) {
    const e = checkOptions(op, 'options.earlyStopping', o.earlyStopping, [
      'monitor',
      'patience',
      'restoreBest',
    ]);
    if (o.validation === undefined)
      throw new ValueError(`${op}: earlyStopping watches validation results; pass { validation }`);
    if (e.monitor !== undefined) checkMonitor(op, e.monitor, tasks);
    if (e.patience !== undefined) checkInteger(op, 'options.earlyStopping.patience', e.patience, { min: 0 });
    checkBoolean(op, 'options.earlyStopping.restoreBest', e.restoreBest, true);
  }
  checkBoolean(op, 'options.shuffle', o.shuffle, true);
  if (o.seed !== undefined) checkInteger(op, 'options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  checkBoolean(op, 'options.trainMetrics', o.trainMetrics, true);
  return options as FitOptions;
}

function checkMonitor(op: string, monitor: unknown, tasks: readonly TaskSpec[]): void {
  if (monitor === 'loss') return;
  const choices = tasks.map((t) => `'${t.name}.<metric>'`).join(', ');
  if (typeof monitor !== 'string') {
    throw new ValueError(mustBe(op, 'options.earlyStopping.monitor', `'loss' or one of ${choices}`, monitor));
  }
  const dot = monitor.lastIndexOf('.');
  const task = monitor.slice(0, dot);
  if (dot < 0 || !tasks.some((t) => t.name === task)) {
    throw new ValueError(mustBe(op, 'options.earlyStopping.monitor', `'loss' or one of ${choices}`, monitor));
  }
}

/**
 * A dataset for `op`: features as a tensor with at least one row, and for every task a label
 * tensor with as many rows.
 */
export function checkData(op: string, name: string, data: unknown, tasks: readonly TaskSpec[]): void {
  const d = data as { features?: unknown; labels?: unknown } | null | undefined;
  if (typeof d !== 'object' || d === null) {
    throw new ValueError(
      mustBe(op, name, 'a MultiTaskDataset', data, 'new MultiTaskDataset({ features, labels })'),
    );
  }
  const features = checkTensor(op, `${name}.features`, d.features);
  const rows = features.shape[0] ?? 0;
  if (features.rank === 0 || rows === 0) {
    throw new ValueError(
      `${op}: ${name} has no rows (features of shape [${features.shape.join(',')}]) — training or evaluating on nothing gives no numbers`,
    );
  }
  const labels = d.labels;
  if (typeof labels !== 'object' || labels === null) {
    throw new ValueError(mustBe(op, `${name}.labels`, 'an object of label tensors, one per task', labels));
  }
  for (const task of tasks) {
    const label = Object.hasOwn(labels, task.name)
      ? (labels as Record<string, unknown>)[task.name]
      : undefined;
    if (label === undefined) {
      throw new ValueError(`${op}: ${name} has no labels for task ${JSON.stringify(task.name)}`);
    }
    const t = checkTensor(op, `${name}.labels[${JSON.stringify(task.name)}]`, label);
    if (t.shape[0] !== rows) {
      throw new ValueError(
        `${op}: ${name}.labels[${JSON.stringify(task.name)}] has ${t.shape[0] ?? 0} rows but the features have ${rows}`,
      );
    }
  }
}

function hasMethods<K extends string>(
  value: unknown,
  names: readonly K[],
): value is Record<K, (...args: never[]) => unknown> & Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function');
  } catch {
    return false;
  }
}
