/**
 * Palmer penguins with three tasks (species, sex with missing labels, body mass) on a hard-sharing
 * MLP, comparing eight weighting methods over three seeds against single-task baselines.
 */
import {
  CAGrad,
  compareMethods,
  EW,
  formatComparison,
  GradNorm,
  HardSharing,
  MGDA,
  MultiTaskDataset,
  NashMTL,
  PCGrad,
  penguins,
  Standardizer,
  trainValTestSplit,
  UPGrad,
  UW,
} from '@mtl/multitask';
import { Adam } from '@mtl/optim';
import { Generator } from '@mtl/tensor';

export function penguinsCompare({ epochs = 40, seeds = [0, 1, 2], log = console.log } = {}) {
  const p = penguins();
  const all = new MultiTaskDataset({ features: p.features, labels: p.labels });
  const { train, test } = trainValTestSplit(all, {
    fractions: [0.6, 0.2, 0.2],
    seed: 1,
    stratifyBy: 'species',
  });
  const fx = new Standardizer().fit(train.features);
  const fy = new Standardizer().fit(train.labels.bodyMass!);
  const prepare = (d: MultiTaskDataset) =>
    new MultiTaskDataset({
      features: fx.transform(d.features),
      labels: { ...d.labels, bodyMass: fy.transform(d.labels.bodyMass!) },
    });
  const comparison = compareMethods({
    methods: {
      EW: () => new EW(),
      UW: () => new UW(),
      GradNorm: () => new GradNorm(),
      PCGrad: () => new PCGrad({ seed: 0 }),
      MGDA: () => new MGDA(),
      CAGrad: () => new CAGrad(),
      NashMTL: () => new NashMTL(),
      UPGrad: () => new UPGrad(),
    },
    train: prepare(train),
    test: prepare(test),
    tasks: [
      { name: 'species', type: p.tasks.species.type },
      { name: 'sex', type: p.tasks.sex.type },
      // Metrics in grams, as the playground reports them, not in standardised units.
      { name: 'bodyMass', type: p.tasks.bodyMass.type, targetScaler: fy },
    ],
    model: (seed) =>
      HardSharing.mlp({
        inputSize: p.features.shape[1]!,
        hidden: [32],
        tasks: { species: 3, sex: 1, bodyMass: 1 },
        generator: new Generator(seed),
      }),
    optimizer: (params) => new Adam(params, { lr: 0.01 }),
    epochs,
    seeds,
  });
  log(formatComparison(comparison));
  return comparison;
}

if (import.meta.url === `file://${process.argv[1]}`) penguinsCompare();
