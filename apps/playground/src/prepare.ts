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
import { Generator } from '@mtl/tensor';
import { ConfigError, type ExperimentConfig } from './config';
import { type MethodName, methodFactory } from './methods';
import { OPTIMIZER_LABELS, type OptimizerName } from './optimizers';
import { tableColumns } from './tabular';

/** The dataset of a config; `fileText` is the content of `data.file` (read by the caller). */
export function loadData(config: ExperimentConfig, fileText?: string): DatasetColumns {
  const { dataset, options, file } = config.data;
  const seed = config.seeds[0];
  switch (dataset) {
    case 'penguins':
      return penguins();
    case 'relatedTasks':
      return relatedTasks({ seed, ...options });
    case 'gradNormToy':
      return gradNormToy({ seed, samples: 512, ...options });
    case 'file':
      if (fileText === undefined) throw new ConfigError(`data.file: load ${file?.path ?? 'a file'} first`);
      return tableColumns(fileText, file!);
    case 'cagradToy':
      throw new ConfigError('data.dataset: cagradToy is a 2-D optimisation problem, not a dataset');
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
