/**
 * From a config to what training needs: the data (split, standardised), the task specs, a model
 * factory for the chosen architecture, and the runs to compare. Shared by the CLI and the web
 * page's worker, so both train exactly the same thing.
 */
import {
  CGC,
  CrossStitch,
  type DatasetColumns,
  gradNormToy,
  HardSharing,
  MMoE,
  MultiTaskDataset,
  type MultiTaskModel,
  PLE,
  penguins,
  relatedTasks,
  Standardizer,
  type TaskSpec,
  trainValTestSplit,
} from '@mtl/multitask';
import { Generator, MtlError } from '@mtl/tensor';
import { BOUNDS, ConfigError, type DataOptions, type ExperimentConfig } from './config';
import { type MethodName, methodFactory } from './methods';
import { OPTIMIZER_LABELS, type OptimizerName } from './optimizers';
import { type TableReport, tableColumns } from './tabular';

/**
 * The dataset of a config; `fileText` is the content of `data.file` (read by the caller). `onNote`
 * hears about rows of the file left out (a missing feature value, or dropped with `dropBadRows`).
 */
export function loadData(
  config: ExperimentConfig,
  fileText?: string,
  onNote?: (message: string) => void,
): DatasetColumns {
  const { dataset, options, file } = config.data;
  const seed = config.seeds[0];
  switch (dataset) {
    case 'penguins':
      return penguins();
    case 'relatedTasks':
      return generate('relatedTasks', options, () =>
        relatedTasks({ seed, ...(options as Record<string, number>) }),
      );
    case 'gradNormToy': {
      // The config's σ per task, or the paper's spread for any number of tasks: log-uniform from 1
      // to 100 ([1, 100] for two).
      const { sigmas: given, ...knobs } = options as { sigmas?: number[] } & Record<string, number>;
      const tasks = knobs.tasks ?? given?.length ?? 2;
      const sigmas =
        given ?? Array.from({ length: tasks }, (_, t) => (tasks === 1 ? 1 : 100 ** (t / (tasks - 1))));
      return generate('gradNormToy', options, () =>
        gradNormToy({ seed, samples: 512, ...knobs, tasks, sigmas }),
      );
    }
    case 'file':
      if (fileText === undefined) throw new ConfigError(`data.file: load ${file?.path ?? 'a file'} first`);
      {
        const report: TableReport = { missing: 0, dropped: 0 };
        const columns = tableColumns(fileText, file!, report);
        if (report.dropped > 0)
          onNote?.(
            `${file!.path}: dropped ${report.dropped} row(s) with a non-numeric cell in a numeric column (dropBadRows), the first: ${report.firstDropped}`,
          );
        if (report.missing > 0)
          onNote?.(`${file!.path}: left out ${report.missing} row(s) missing a feature value`);
        return columns;
      }
    case 'cagradToy':
      throw new ConfigError('data.dataset: cagradToy is a 2-D optimisation problem, not a dataset');
  }
}

/** Runs a generator; its own message about a bad option becomes a ConfigError naming `data.options.<option>`. */
function generate(name: string, options: DataOptions, make: () => DatasetColumns): DatasetColumns {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof MtlError)) throw e;
    const message = e.message.replace(new RegExp(`^${name}: `), '');
    // The option the message is about: `features=3`, `tasks must…`, or else the first one it mentions.
    const keys = Object.keys(options);
    const option =
      keys.find((k) => new RegExp(`\\b${k}(=| must)`).test(message)) ??
      keys.find((k) => message.includes(k)) ??
      'options';
    throw new ConfigError(`data.options${option === 'options' ? '' : `.${option}`}: ${name}: ${message}`);
  }
}

/** One training run of a comparison: a method with an optimizer. */
export interface RunSpec {
  label: string;
  method: MethodName;
  optimizer: OptimizerName;
}

/** The method × optimizer runs of a config, labelled with the optimizer only when several are compared. */
export function runSpecs(config: ExperimentConfig): RunSpec[] {
  const optimizers = config.optimizers.length > 0 ? config.optimizers : [config.optimizer.name];
  return optimizers.flatMap((optimizer) =>
    config.methods.map((method) => {
      const label = methodFactory(method, []).label;
      return {
        label: optimizers.length > 1 ? `${label} · ${OPTIMIZER_LABELS[optimizer]}` : label,
        method,
        optimizer,
      };
    }),
  );
}

export interface PreparedExperiment {
  /** The tasks' names, as the data file (or dataset) names them: `__proto__` is a name like any other. */
  taskNames: string[];
  tasks: TaskSpec[];
  /** Standardised with the training split's statistics; regression targets too (metrics go back to original units). */
  train: MultiTaskDataset;
  validation: MultiTaskDataset;
  test: MultiTaskDataset;
  /** A fresh model; the same seed gives the same initial weights. */
  model(seed: number): MultiTaskModel;
}

export function prepareExperiment(config: ExperimentConfig, data: DatasetColumns): PreparedExperiment {
  const taskNames = Object.keys(data.labels);
  const all = new MultiTaskDataset({ features: data.features, labels: data.labels });
  const stratify = taskNames.find((t) => data.tasks[t]!.type === 'multiclass');
  const split = trainValTestSplit(all, {
    fractions: config.data.split,
    seed: config.seeds[0],
    stratifyBy: stratify,
  });
  for (const [part, d] of [
    ['training', split.train],
    ['test', split.test],
  ] as const) {
    if (d.length === 0)
      throw new ConfigError(
        `data.split: the ${part} split of ${all.length} rows is empty with fractions ${JSON.stringify(config.data.split)} — give it a larger fraction (or use more data)`,
      );
  }
  const features = new Standardizer().fit(split.train.features);
  const scalers = Object.fromEntries(
    taskNames
      .filter((t) => data.tasks[t]!.type === 'regression')
      .map((t) => [t, new Standardizer().fit(split.train.labels[t]!)]),
  );
  const standardise = (d: MultiTaskDataset) =>
    new MultiTaskDataset({
      features: features.transform(d.features),
      labels: Object.fromEntries(
        taskNames.map((t) => [t, scalers[t]?.transform(d.labels[t]!) ?? d.labels[t]!]),
      ),
    });
  const tasks: TaskSpec[] = taskNames.map((name) => ({
    name,
    type: data.tasks[name]!.type,
    targetScaler: scalers[name],
  }));
  const outputs = Object.fromEntries(
    taskNames.map((t) => {
      const task = data.tasks[t]!;
      if (task.type === 'multiclass') return [t, task.classes!.length];
      return [t, task.type === 'binary' ? 1 : (data.labels[t]!.shape[1] ?? 1)];
    }),
  );
  const inputSize = data.features.shape[1]!;
  const parameters = estimateParameters(config.architecture, inputSize, Object.values(outputs));
  if (parameters > BOUNDS.parameters)
    throw new ConfigError(
      `architecture: the model would have about ${parameters.toExponential(2)} parameters for ${inputSize} inputs and ${taskNames.length} tasks, more than the ${BOUNDS.parameters} allowed — use fewer or narrower hidden layers, or fewer experts`,
    );
  return {
    taskNames,
    tasks,
    train: standardise(split.train),
    validation: standardise(split.validation),
    test: standardise(split.test),
    model: (seed) => buildModel(config.architecture, inputSize, outputs, new Generator(seed)),
  };
}

function buildModel(
  architecture: ExperimentConfig['architecture'],
  inputSize: number,
  tasks: Record<string, number>,
  generator: Generator,
): MultiTaskModel {
  const { type, hidden, activation, experts, taskExperts, levels } = architecture;
  switch (type) {
    case 'hps':
      return HardSharing.mlp({ inputSize, hidden, activation, tasks, generator });
    case 'mmoe':
      return MMoE.mlp({ inputSize, expertHidden: hidden, numExperts: experts, activation, tasks, generator });
    case 'cgc':
      return CGC.mlp({
        inputSize,
        expertHidden: hidden,
        numSharedExperts: experts,
        numTaskExperts: taskExperts,
        activation,
        tasks,
        generator,
      });
    case 'ple':
      return PLE.mlp({
        inputSize,
        expertHidden: hidden,
        numSharedExperts: experts,
        numTaskExperts: taskExperts,
        levels,
        activation,
        tasks,
        generator,
      });
    case 'crossstitch':
      return CrossStitch.mlp({ inputSize, hidden, activation, tasks, generator });
  }
}

/** About how many parameters buildModel makes (weights and biases of the MLPs, gates and heads). */
export function estimateParameters(
  architecture: ExperimentConfig['architecture'],
  inputSize: number,
  outputs: number[],
): number {
  const { type, hidden, experts, taskExperts, levels } = architecture;
  const mlp = (input: number) => {
    let total = 0;
    let last = input;
    for (const width of hidden) {
      total += (last + 1) * width;
      last = width;
    }
    return { total, last };
  };
  const tasks = outputs.length;
  const heads = (last: number) => outputs.reduce((s, o) => s + (last + 1) * o, 0);
  const { total, last } = mlp(inputSize);
  switch (type) {
    case 'hps':
      return total + heads(last);
    case 'mmoe':
      return experts * total + tasks * (inputSize + 1) * experts + heads(last);
    case 'cgc':
      return (
        (experts + tasks * taskExperts) * total +
        tasks * (inputSize + 1) * (experts + taskExperts) +
        heads(last)
      );
    case 'ple': {
      const deeper = mlp(last).total;
      const perLevel = (size: number) => (experts + tasks * taskExperts) * size;
      return (
        perLevel(total) +
        (levels - 1) * perLevel(deeper) +
        levels * (tasks + 1) * (last + 1) * (experts + taskExperts) +
        heads(last)
      );
    }
    case 'crossstitch':
      return tasks * total + heads(last) + hidden.length * tasks * tasks;
  }
}
