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
  mmoeSynthetic,
  multiLeNet,
  PLE,
  penguins,
  relatedTasks,
  Standardizer,
  type TaskSpec,
  type TrainValTestSplit,
  trainValTestSplit,
} from '@mtl/multitask';
import { Generator, MtlError } from '@mtl/tensor';
import {
  ARCHITECTURE_LABELS,
  type ArchitectureName,
  architectureFor,
  BOUNDS,
  ConfigError,
  compared,
  type DataOptions,
  type ExperimentConfig,
} from './config';
import type { SplitColumns } from './images';
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
    case 'mmoeSynthetic':
      return generate('mmoeSynthetic', options, () =>
        mmoeSynthetic({ seed, ...(options as Record<string, number>) }),
      );
    case 'multiFashion':
    case 'multiMnist':
    case 'multiFashionMnist':
      throw new ConfigError(`data.dataset: ${dataset} is read from files — load it with loadImages`);
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

/** One training run of a comparison: a method with an optimizer and an architecture. */
export interface RunSpec {
  label: string;
  method: MethodName;
  optimizer: OptimizerName;
  architecture: ArchitectureName;
  /** The single-task baselines of this optimizer and architecture (each task alone, with EW), not a method. */
  baselines?: true;
}

/**
 * The optimizer × architecture × method runs of a config, labelled with the architecture and the
 * optimizer only when several are compared (`EW · MMoE · SGD`).
 */
export function runSpecs(config: ExperimentConfig): RunSpec[] {
  const optimizers = comparedOptimizers(config);
  return optimizers.flatMap((optimizer) =>
    compared(config).flatMap((architecture) =>
      config.methods.map((method) => ({
        label: runLabel(config, methodFactory(method, []).label, optimizer, architecture),
        method,
        optimizer,
        architecture,
      })),
    ),
  );
}

/**
 * The single-task baselines' runs: one per optimizer × architecture compared, each training every
 * task alone (Δm's reference). The toy has none.
 */
export function baselineSpecs(config: ExperimentConfig): RunSpec[] {
  if (config.data.dataset === 'cagradToy') return [];
  const optimizers = comparedOptimizers(config);
  return optimizers.flatMap((optimizer) =>
    compared(config).map((architecture) => ({
      label: runLabel(config, 'Single-task baselines', optimizer, architecture),
      method: 'ew' as const,
      optimizer,
      architecture,
      baselines: true as const,
    })),
  );
}

/** The optimizers a config compares: `optimizers`, or `optimizer.name` alone when that is empty. */
function comparedOptimizers(config: ExperimentConfig): OptimizerName[] {
  return config.optimizers.length > 0 ? config.optimizers : [config.optimizer.name];
}

/** A run's name in tables: `what`, then the architecture and the optimizer when several are compared. */
export function runLabel(
  config: ExperimentConfig,
  what: string,
  optimizer: OptimizerName,
  architecture: ArchitectureName,
): string {
  return [
    what,
    ...(compared(config).length > 1 ? [ARCHITECTURE_LABELS[architecture]] : []),
    ...(config.optimizers.length > 1 ? [OPTIMIZER_LABELS[optimizer]] : []),
  ].join(' · ');
}

export interface PreparedExperiment {
  /** The tasks' names, as the data file (or dataset) names them: `__proto__` is a name like any other. */
  taskNames: string[];
  tasks: TaskSpec[];
  /** Standardised with the training split's statistics; regression targets too (metrics go back to original units). */
  train: MultiTaskDataset;
  validation: MultiTaskDataset;
  test: MultiTaskDataset;
  /**
   * A fresh model of an architecture (default `architecture.type`); the same seed gives the same
   * initial weights.
   */
  model(seed: number, architecture?: ArchitectureName): MultiTaskModel;
}

/**
 * The splits (the image datasets' own, or `data.split` of the rows), standardised with the
 * training split's statistics (per channel for images), the task specs and the model factory.
 */
export function prepareExperiment(
  config: ExperimentConfig,
  data: DatasetColumns | SplitColumns,
): PreparedExperiment {
  const taskNames = Object.keys(data.labels);
  const all = new MultiTaskDataset({ features: data.features, labels: data.labels });
  const stratify = taskNames.find((t) => data.tasks[t]!.type === 'multiclass');
  const split =
    'split' in data
      ? ownSplit(all, data.split)
      : trainValTestSplit(all, { fractions: config.data.split, seed: config.seeds[0], stratifyBy: stratify });
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
  for (const type of compared(config)) {
    const parameters = estimateParameters(architectureFor(config, type), inputSize, Object.values(outputs));
    if (parameters > BOUNDS.parameters)
      throw new ConfigError(
        `architecture: the ${ARCHITECTURE_LABELS[type]} model would have about ${parameters.toExponential(2)} parameters for ${inputSize} inputs and ${taskNames.length} tasks, more than the ${BOUNDS.parameters} allowed — use fewer or narrower hidden layers, or fewer experts`,
      );
  }
  return {
    taskNames,
    tasks,
    train: standardise(split.train),
    validation: standardise(split.validation),
    test: standardise(split.test),
    model: (seed, type = config.architecture.type) =>
      buildModel(architectureFor(config, type), inputSize, outputs, new Generator(seed)),
  };
}

/** The rows in order: training, then validation, then test (the image datasets' own split). */
function ownSplit(all: MultiTaskDataset, split: SplitColumns['split']): TrainValTestSplit {
  const range = (start: number, length: number) => Int32Array.from({ length }, (_, i) => start + i);
  const indices = {
    train: range(0, split.train),
    validation: range(split.train, split.validation),
    test: range(split.train + split.validation, split.test),
  };
  return {
    train: all.subset(indices.train),
    validation: all.subset(indices.validation),
    test: all.subset(indices.test),
    indices,
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
    case 'multilenet':
      return multiLeNet({ tasks, generator });
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
    case 'multilenet':
      // Conv2d(1, 10, 5), Conv2d(10, 20, 5), Linear(320, 50); per task Linear(50, 50), Linear(50, classes).
      return 260 + 5020 + 16_050 + outputs.reduce((s, o) => s + 2550 + 51 * o, 0);
  }
}
