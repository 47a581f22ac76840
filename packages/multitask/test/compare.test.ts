import { Generator, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { penguinsTasks } from '../src/datasets/penguinsTasks';
import {
  compareMethods,
  EW,
  formatComparison,
  HardSharing,
  MultiTaskDataset,
  PCGrad,
  penguins,
  Standardizer,
  trainValTestSplit,
  UW,
} from '../src/index';

function penguinSplits() {
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
  return { train: prepare(train), test: prepare(test), inputSize: p.features.shape[1]! };
}

describe('compareMethods', () => {
  it('trains each method over seeds, with single-task baselines and Δm', () => {
    const { train, test, inputSize } = penguinSplits();
    const comparison = compareMethods({
      methods: {
        EW: () => new EW(),
        UW: () => new UW({ tasks: ['species', 'sex', 'bodyMass'] }),
        PCGrad: () => new PCGrad({ seed: 1 }),
      },
      train,
      test,
      tasks: penguinsTasks,
      model: (seed) =>
        HardSharing.mlp({
          inputSize,
          hidden: [32],
          tasks: { species: 3, sex: 1, bodyMass: 1 },
          dtype: 'float64',
          generator: new Generator(seed),
        }),
      epochs: 10,
      seeds: [0, 1],
    });
    expect(comparison.rows.map((r) => r.method)).toEqual(['EW', 'UW', 'PCGrad']);
    expect(Object.keys(comparison.baselines!)).toEqual(['species', 'sex', 'bodyMass']);
    for (const row of comparison.rows) {
      expect(row.metrics.species!.accuracy!.mean).toBeGreaterThan(0.8);
      expect(Number.isFinite(row.deltaM!.mean)).toBe(true);
      expect(row.msPerStep).toBeGreaterThan(0);
    }
    // The baselines as rows: their means are what Δm is relative to.
    expect(comparison.baselineRows!.map((b) => b.task)).toEqual(['species', 'sex', 'bodyMass']);
    for (const b of comparison.baselineRows!) {
      expect(b.metrics).toHaveProperty('loss');
      expect(b.msPerStep).toBeGreaterThan(0);
      for (const [k, s] of Object.entries(b.metrics)) expect(comparison.baselines![b.task]![k]).toBe(s.mean);
    }
    const table = formatComparison(comparison);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^method\s+species\.accuracy\s+species\.f1\s+sex\.accuracy/);
    expect(table).toMatch(/\nPCGrad\s+0\.\d{3}±0\.\d{3}/);
    // After the methods and a rule: one row per baseline, its own task's cells only, Δm "ref".
    expect(lines[5]).toMatch(/^-+\s+-+/);
    expect(lines[6]).toMatch(/^species alone\s+0\.\d{3}±0\.\d{3}\s+0\.\d{3}±0\.\d{3}\s+ref\s+\d+\.\d$/);
    expect(lines[8]).toMatch(
      /^bodyMass alone\s+\d+\.\d{3}±\d+\.\d{3}\s+\d+\.\d{3}±\d+\.\d{3}\s+0\.\d{3}±0\.\d{3}\s+ref\s+\d+\.\d$/,
    );
    expect(lines[8]!.indexOf('ref')).toBe(lines[0]!.indexOf('Δm %'));
  }, 120_000);

  it('shows means without ±0.000 when the statistics are over one seed', () => {
    const stat = (mean: number) => ({ mean, std: 0 });
    const rows = [{ method: 'EW', metrics: { a: { mae: stat(0.25) } }, deltaM: stat(1.5), msPerStep: 2 }];
    const baselineRows = [{ task: 'a', metrics: { mae: stat(0.5) }, msPerStep: 1 }];
    const lines = formatComparison({ rows, baselineRows, seeds: 1 }).split('\n');
    expect(lines[2]).toBe('EW       0.250  +1.50  2.0');
    expect(lines[4]).toBe('a alone  0.500  ref    1.0');
    expect(formatComparison({ rows, seeds: 2 }).split('\n')[2]).toMatch(/^EW\s+0\.250±0\.000/);
  });

  it('formats a task whose name has a dot in it (task names are free-form strings)', () => {
    const stat = (mean: number) => ({ mean, std: 0 });
    const table = formatComparison({
      rows: [
        {
          method: 'EW',
          metrics: { 'body.mass': { loss: stat(1), mae: stat(0.25) } },
          deltaM: null,
          msPerStep: 1,
        },
      ],
    });
    expect(table.split('\n')[0]).toMatch(/^method\s+body\.mass\.mae\s+Δm %/);
    expect(table.split('\n')[2]).toMatch(/^EW\s+0\.250±0\.000/);
  });

  it('reports Δm as n/a with the reason when a baseline metric is 0, keeping every row', () => {
    // A constant test target: every model's R² is 0 there, and Δm is relative to the baseline.
    const g = new Generator(3);
    const features = (n: number) =>
      tensor(
        Array.from({ length: n * 3 }, () => g.normal()),
        { dtype: 'float64' },
      ).reshape([n, 3]);
    const train = new MultiTaskDataset({
      features: features(32),
      labels: {
        y: tensor(
          Array.from({ length: 32 }, (_, i) => i / 8),
          { dtype: 'float64' },
        ),
      },
    });
    const test = new MultiTaskDataset({
      features: features(8),
      labels: { y: tensor(new Array(8).fill(2), { dtype: 'float64' }) },
    });
    const seen: string[] = [];
    const comparison = compareMethods({
      methods: { EW: () => new EW(), UW: () => new UW({ tasks: ['y'] }) },
      train,
      test,
      tasks: [{ name: 'y', type: 'regression' }],
      model: (seed) =>
        HardSharing.mlp({
          inputSize: 3,
          hidden: [4],
          tasks: { y: 1 },
          dtype: 'float64',
          generator: new Generator(seed),
        }),
      epochs: 2,
      onRow: (row) => seen.push(row.method),
    });
    expect(seen).toEqual(['EW', 'UW']);
    expect(comparison.baselines!.y!.r2).toBe(0);
    for (const row of comparison.rows) {
      expect(row.deltaM).toBeNull();
      expect(row.deltaMUnavailable).toBe('baseline y.r2 is 0, and Δm is relative to the baseline');
      expect(Number.isFinite(row.metrics.y!.mae!.mean)).toBe(true);
    }
    expect(formatComparison(comparison).split('\n')[2]).toMatch(/^EW\s+.*\s+n\/a\s+\d/);
  });
});
