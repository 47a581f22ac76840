/** Runs an experiment config: data, model, every method over the seeds, and the results a report shows. */
import type { Parameter } from '@mtl/autograd';
import {
  AlignedMTL,
  CAGrad,
  ConFIG,
  compareMethods,
  type DatasetColumns,
  DBMTL,
  DualProj,
  DWA,
  EW,
  FairGrad,
  GLS,
  GradDrop,
  GradNorm,
  GradVac,
  gradNormToy,
  HardSharing,
  IMTL,
  IMTLL,
  MGDA,
  MoCo,
  MultiTaskDataset,
  NashMTL,
  PCGrad,
  penguins,
  RLW,
  relatedTasks,
  STCH,
  Standardizer,
  type TaskSpec,
  trainValTestSplit,
  UPGrad,
  UW,
  type WeightingMethod,
} from '@mtl/multitask';
import { Adagrad, Adam, AdamW, Momentum, type Optimizer, RMSprop, SGD } from '@mtl/optim';
import { Generator } from '@mtl/tensor';
import type { ExperimentConfig } from './config';
import type { ExperimentResults } from './report/ExperimentResults';

/** The display name and a factory of each method, by its config name. */
export function methodFactory(name: string, tasks: string[]): { label: string; make: () => WeightingMethod } {
  const table: Record<string, [string, () => WeightingMethod]> = {
    ew: ['EW', () => new EW()],
    uw: ['UW', () => new UW({ tasks })],
    dwa: ['DWA', () => new DWA()],
    gls: ['GLS', () => new GLS()],
    rlw: ['RLW', () => new RLW()],
    gradnorm: ['GradNorm', () => new GradNorm({ tasks })],
    imtll: ['IMTL-L', () => new IMTLL({ tasks })],
    stch: ['STCH', () => new STCH()],
    mgda: ['MGDA', () => new MGDA()],
    pcgrad: ['PCGrad', () => new PCGrad({ seed: 0 })],
    cagrad: ['CAGrad', () => new CAGrad()],
    gradvac: ['GradVac', () => new GradVac({ seed: 0 })],
    imtl: ['IMTL', () => new IMTL()],
    nashmtl: ['Nash-MTL', () => new NashMTL()],
    alignedmtl: ['Aligned-MTL', () => new AlignedMTL()],
    upgrad: ['UPGrad', () => new UPGrad()],
    dualproj: ['DualProj', () => new DualProj()],
    graddrop: ['GradDrop', () => new GradDrop({ seed: 0 })],
    dbmtl: ['DB-MTL', () => new DBMTL()],
    config: ['ConFIG', () => new ConFIG()],
    fairgrad: ['FairGrad', () => new FairGrad()],
    moco: ['MoCo', () => new MoCo()],
  };
  const entry = table[name];
  if (entry === undefined)
    throw new Error(`unknown method ${JSON.stringify(name)} (known: ${Object.keys(table).join(', ')})`);
  return { label: entry[0], make: entry[1] };
}

// biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
function optimizerFactory(config: ExperimentConfig): (ps: Parameter[]) => Optimizer<any> {
  const { name, lr } = config.optimizer;
  return (ps) => {
    switch (name) {
      case 'adam':
        return new Adam(ps, { lr });
      case 'adamw':
        return new AdamW(ps, { lr });
      case 'sgd':
        return new SGD(ps, { lr });
      case 'momentum':
        return new Momentum(ps, { lr });
      case 'rmsprop':
        return new RMSprop(ps, { lr });
      case 'adagrad':
        return new Adagrad(ps, { lr });
    }
  };
}

function loadData(config: ExperimentConfig): DatasetColumns {
  const { dataset, options } = config.data;
  if (dataset === 'penguins') return penguins();
  if (dataset === 'relatedTasks') return relatedTasks({ seed: config.seeds[0], ...options });
  return gradNormToy({ seed: config.seeds[0], samples: 512, ...options });
}

/** Trains every method of the config and returns what the table and the report show. */
export function runExperiment(
  config: ExperimentConfig,
  { onRun }: { onRun?: (run: { method: string; seed: number }) => void } = {},
): ExperimentResults {
  const data = loadData(config);
  const taskNames = Object.keys(data.labels);
  const all = new MultiTaskDataset({ features: data.features, labels: data.labels });
  const stratify = taskNames.find((t) => data.tasks[t]!.type === 'multiclass');
  const { train, test } = trainValTestSplit(all, {
    fractions: config.data.split,
    seed: config.seeds[0],
    stratifyBy: stratify,
  });
  // Features and regression targets standardised on the training split; metrics in original units.
  const features = new Standardizer().fit(train.features);
  const scalers = Object.fromEntries(
    taskNames
      .filter((t) => data.tasks[t]!.type === 'regression')
      .map((t) => [t, new Standardizer().fit(train.labels[t]!)]),
  );
  const prepare = (d: MultiTaskDataset) =>
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
      const label = data.labels[t]!;
      return [
        t,
        task.type === 'multiclass'
          ? task.classes!.length
          : task.type === 'binary'
            ? 1
            : (label.shape[1] ?? 1),
      ];
    }),
  );
  const methods = config.methods.map((m) => methodFactory(m, taskNames));
  const comparison = compareMethods({
    methods: Object.fromEntries(methods.map(({ label, make }) => [label, make])),
    train: prepare(train),
    test: prepare(test),
    tasks,
    model: (seed) =>
      HardSharing.mlp({
        inputSize: data.features.shape[1]!,
        hidden: config.architecture.hidden,
        activation: config.architecture.activation,
        tasks: outputs,
        generator: new Generator(seed),
      }),
    optimizer: optimizerFactory(config),
    epochs: config.epochs,
    batchSize: config.batchSize,
    seeds: config.seeds,
    onRun,
  });
  return {
    name: config.name,
    createdAt: new Date().toISOString(),
    config,
    tasks: tasks.map(({ name, type }) => ({ name, type })),
    methods: comparison.rows.map((row) => ({
      method: row.method,
      metrics: row.metrics,
      deltaM: row.deltaM,
      msPerStep: row.msPerStep,
      curves: {
        epochLoss: Object.fromEntries(
          taskNames.map((t) => [t, row.history.epochs.map((e) => e.train[t] ?? Number.NaN)]),
        ),
        weights: Object.fromEntries(
          taskNames.map((t) => [t, row.history.steps.map((s) => s.weights[t] ?? Number.NaN)]),
        ),
        cosine: [...row.history.steps].reverse().find((s) => s.cosine !== undefined)?.cosine ?? null,
      },
    })),
  };
}
