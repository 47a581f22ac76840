import { DTypeError, Generator, IndexError, ShapeError, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../src/data/DataLoader';
import { encodeLabels } from '../src/data/encodeLabels';
import { MultiTaskDataset } from '../src/data/MultiTaskDataset';
import { oneHotEncode } from '../src/data/oneHotEncode';
import { Standardizer } from '../src/data/Standardizer';
import { trainValTestSplit } from '../src/data/trainValTestSplit';

/** N samples: feature row i is [i, 10·i]; labels carry the row number so batches can be checked. */
function makeDataset(n: number): MultiTaskDataset {
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = 10 * i;
  }
  const reg = Float64Array.from({ length: n }, (_, i) => (i % 5 === 4 ? Number.NaN : i));
  const bin = Float32Array.from({ length: n }, (_, i) => (i % 7 === 6 ? Number.NaN : i % 2));
  const cls = Int32Array.from({ length: n }, (_, i) => (i % 11 === 10 ? -1 : i % 3));
  return new MultiTaskDataset({
    features: tensor(x, { shape: [n, 2] }),
    labels: { reg: tensor(reg), bin: tensor(bin), cls: tensor(cls, { dtype: 'int32' }) },
  });
}

const rowsOf = (t: Tensor): number[] => {
  const cols = t.shape[1]!;
  return Array.from({ length: t.shape[0]! }, (_, r) => t.data[r * cols]!);
};

const epochOrders = (loader: DataLoader): number[][] => [...loader].map((b) => Array.from(b.indices));

describe('MultiTaskDataset', () => {
  it('holds features and per-task labels', () => {
    const d = makeDataset(12);
    expect(d.length).toBe(12);
    expect(d.numFeatures).toBe(2);
    expect(d.tasks).toEqual(['reg', 'bin', 'cls']);
    expect(d.label('cls').dtype).toBe('int32');
  });

  it('accepts [N, k] regression labels and an empty dataset', () => {
    const d = new MultiTaskDataset({
      features: tensor([[1], [2]], { dtype: 'float32' }),
      labels: {
        y: tensor([
          [1, 2],
          [Number.NaN, 3],
        ]),
      },
    });
    expect(d.labelMask('y').toArray()).toEqual([true, false]);
    const empty = new MultiTaskDataset({
      features: tensor(new Float32Array(0), { shape: [0, 3] }),
      labels: {},
    });
    expect(empty.length).toBe(0);
  });

  it('takes image features [N, C, H, W]: subsets, loaders and splits keep each sample whole', () => {
    const images = tensor(
      Float32Array.from({ length: 6 * 2 * 3 * 3 }, (_, i) => i),
      { shape: [6, 2, 3, 3] },
    );
    const labels = { digit: tensor([0, 1, 2, 3, 4, 5], { dtype: 'int32' }) };
    const data = new MultiTaskDataset({ features: images, labels });
    expect(data.sampleShape).toEqual([2, 3, 3]);
    expect(data.numFeatures).toBe(18);
    const picked = data.subset([4, 1]);
    expect(picked.features.shape).toEqual([2, 2, 3, 3]);
    expect(picked.features.get(0, 1, 2, 2)).toBe(4 * 18 + 17);
    const batches = [...new DataLoader(data, { batchSize: 4, shuffle: true, generator: new Generator(3) })];
    expect(batches.map((b) => b.features.shape)).toEqual([
      [4, 2, 3, 3],
      [2, 2, 3, 3],
    ]);
    for (const b of batches) {
      b.indices.forEach((i, row) => {
        expect(b.features.get(row, 0, 0, 0)).toBe(i * 18);
        expect(b.labels.digit!.get(row)).toBe(i);
      });
    }
    const { train, validation, test } = trainValTestSplit(data, {
      fractions: [0.5, 0.25, 0.25],
      generator: new Generator(1),
    });
    expect([train, validation, test].map((d) => d.sampleShape)).toEqual([
      [2, 3, 3],
      [2, 3, 3],
      [2, 3, 3],
    ]);
  });

  it('names the task and both sizes when lengths do not match', () => {
    const features = tensor(new Float32Array(10), { shape: [5, 2] });
    const make = () => new MultiTaskDataset({ features, labels: { mass: tensor([1, 2, 3]) } });
    expect(make).toThrow(ShapeError);
    expect(make).toThrow(/task "mass" has 3 labels but features have 5 rows/);
  });

  it('refuses bad features and labels with typed errors', () => {
    const features = tensor(new Float32Array(4), { shape: [2, 2] });
    expect(() => new MultiTaskDataset({ features: tensor([1, 2]), labels: {} })).toThrow(
      /features must be \[N, F\] \(or \[N, C, H, W\] images, any \[N, …\]\) — got features.shape=\[2\]/,
    );
    expect(() => new MultiTaskDataset({ features: features.to('int32'), labels: {} })).toThrow(DTypeError);
    expect(() => new MultiTaskDataset({ features, labels: { b: tensor([true, false]) } })).toThrow(
      /"b" are bool/,
    );
    expect(
      () => new MultiTaskDataset({ features, labels: { c: tensor([[1], [2]], { dtype: 'int32' }) } }),
    ).toThrow(DTypeError);
    expect(
      () =>
        new MultiTaskDataset({ features, labels: { y: tensor(new Float32Array(8), { shape: [2, 2, 2] }) } }),
    ).toThrow(ShapeError);
    expect(() => makeDataset(3).label('nope')).toThrow(/no task "nope" — the tasks are "reg", "bin", "cls"/);
  });

  it('labelMask marks NaN (float) and negative (int32) labels as missing', () => {
    const d = makeDataset(12);
    const expected = (missing: (i: number) => boolean) => Array.from({ length: 12 }, (_, i) => !missing(i));
    expect(d.labelMask('reg').dtype).toBe('bool');
    expect(d.labelMask('reg').toArray()).toEqual(expected((i) => i % 5 === 4));
    expect(d.labelMask('bin').toArray()).toEqual(expected((i) => i % 7 === 6));
    expect(d.labelMask('cls').toArray()).toEqual(expected((i) => i % 11 === 10));
  });

  it('subset picks rows in order across features and every task, repeats allowed', () => {
    const d = makeDataset(12);
    const s = d.subset([9, 0, 9, 4]);
    expect(s.length).toBe(4);
    expect(s.features.toArray()).toEqual([
      [9, 90],
      [0, 0],
      [9, 90],
      [4, 40],
    ]);
    expect(s.label('reg').toArray()).toEqual([Number.NaN, 0, Number.NaN, Number.NaN]);
    expect(s.label('cls').toArray()).toEqual([0, 0, 0, 1]);
    expect(s.labelMask('reg').toArray()).toEqual([false, true, false, false]);
    expect(d.subset(Int32Array.of(1, 2)).length).toBe(2);
    expect(() => d.subset([12])).toThrow(IndexError);
    expect(() => d.subset([-1])).toThrow(/indices\[0\]=-1 is not an integer in \[0, 12\)/);
    expect(() => d.subset([1.5])).toThrow(IndexError);
  });
});

describe('DataLoader', () => {
  it('yields dataset-order batches with a smaller last batch, and counts them', () => {
    const loader = new DataLoader(makeDataset(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => Array.from(b.indices))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[2]!.features.shape).toEqual([2, 2]);
    expect(rowsOf(batches[1]!.features)).toEqual([4, 5, 6, 7]);
    expect(batches[1]!.labels.reg!.toArray()).toEqual([Number.NaN, 5, 6, 7]);
    expect(batches[1]!.labels.cls!.dtype).toBe('int32');
  });

  it('dropLast leaves out the partial batch', () => {
    const loader = new DataLoader(makeDataset(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map((b) => b.indices.length)).toEqual([4, 4]);
    const exact = new DataLoader(makeDataset(8), { batchSize: 4, dropLast: true });
    expect(exact.length).toBe(2);
    expect([...new DataLoader(makeDataset(3), { batchSize: 4, dropLast: true })]).toEqual([]);
  });

  it('same seed, same sequence of epochs; each epoch a new order', () => {
    const make = () => new DataLoader(makeDataset(23), { batchSize: 5, shuffle: true, seed: 42 });
    const a = make();
    const b = make();
    const a1 = epochOrders(a);
    const a2 = epochOrders(a);
    expect(epochOrders(b)).toEqual(a1);
    expect(epochOrders(b)).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(a.epoch).toBe(2);
    expect(
      epochOrders(new DataLoader(makeDataset(23), { batchSize: 5, shuffle: true, seed: 43 })),
    ).not.toEqual(a1);
  });

  it('draws one permutation per epoch from a given generator', () => {
    const g = new Generator(7);
    const loader = new DataLoader(makeDataset(9), { batchSize: 9, shuffle: true, generator: g });
    const reference = new Generator(7);
    for (let epoch = 0; epoch < 3; epoch++) {
      expect(epochOrders(loader)[0]).toEqual(Array.from(reference.permutation(9)));
    }
    expect(g.getState()).toEqual(reference.getState());
    // Resuming from a saved generator state replays the following epochs.
    const saved = g.getState();
    const next = epochOrders(loader);
    g.setState(saved);
    expect(epochOrders(loader)).toEqual(next);
  });

  it('loses and repeats no sample in a shuffled epoch; batches match their indices', () => {
    const d = makeDataset(37);
    const loader = new DataLoader(d, { batchSize: 8, shuffle: true, seed: 1 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = [...loader];
      expect(batches.map((b) => b.indices.length)).toEqual([8, 8, 8, 8, 5]);
      const seen = batches.flatMap((b) => Array.from(b.indices));
      expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 37 }, (_, i) => i));
      for (const b of batches) {
        expect(rowsOf(b.features)).toEqual(Array.from(b.indices));
        expect(Array.from(b.labels.cls!.data)).toEqual(
          Array.from(b.indices, (i) => (i % 11 === 10 ? -1 : i % 3)),
        );
      }
    }
    const dropped = [...new DataLoader(d, { batchSize: 8, shuffle: true, seed: 1, dropLast: true })];
    expect(new Set(dropped.flatMap((b) => Array.from(b.indices))).size).toBe(32);
  });

  it('does not touch the generator when not shuffling', () => {
    const g = new Generator(3);
    const before = g.getState();
    const loader = new DataLoader(makeDataset(5), { batchSize: 2, generator: g });
    expect(loader.generator).toBeUndefined();
    [...loader];
    expect(g.getState()).toEqual(before);
  });

  it('validates its options', () => {
    const d = makeDataset(4);
    expect(() => new DataLoader(d, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => new DataLoader(d, { batchSize: 1.5 })).toThrow(ValueError);
    expect(
      () => new DataLoader(d, { batchSize: 2, shuffle: true, seed: 1, generator: new Generator(1) }),
    ).toThrow(/not both/);
    expect(() => new DataLoader(d, { batchSize: 2, shuffle: true, seed: 0.5 })).toThrow(ValueError);
  });
});

describe('trainValTestSplit', () => {
  it('makes parts of the rounded fraction sizes that partition the rows', () => {
    const d = makeDataset(101);
    const split = trainValTestSplit(d, { seed: 0 });
    const { train, validation, test } = split.indices;
    expect([train.length, validation.length, test.length]).toEqual([61, 20, 20]);
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([61, 20, 20]);
    const all = [...train, ...validation, ...test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(rowsOf(split.validation.features)).toEqual(Array.from(validation));
    expect(Array.from(train)).toEqual([...train].sort((a, b) => a - b));
    const sizes = (n: number, f: [number, number, number]) =>
      Object.values(trainValTestSplit(makeDataset(n), { seed: 0, fractions: f }).indices).map(
        (p) => p.length,
      );
    expect(sizes(10, [0.8, 0.1, 0.1])).toEqual([8, 1, 1]);
    expect(sizes(7, [1 / 3, 1 / 3, 1 / 3])).toEqual([3, 2, 2]);
    expect(sizes(5, [0.5, 0.5, 0])).toEqual([3, 2, 0]);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const d = makeDataset(50);
    const a = trainValTestSplit(d, { seed: 5 }).indices;
    expect(trainValTestSplit(d, { seed: 5 }).indices).toEqual(a);
    expect(trainValTestSplit(d, { seed: 6 }).indices.train).not.toEqual(a.train);
    expect(trainValTestSplit(d, { generator: new Generator(5) }).indices).toEqual(a);
  });

  it('keeps class proportions in every part when stratified, missing labels as their own stratum', () => {
    // 3 classes of sizes 150, 60, 30 and 60 missing labels: 300 samples.
    const cls = new Int32Array(300);
    for (let i = 0; i < 300; i++) cls[i] = i < 150 ? 0 : i < 210 ? 1 : i < 240 ? 2 : -1;
    const d = new MultiTaskDataset({
      features: tensor(new Float32Array(300), { shape: [300, 1] }),
      labels: { cls: tensor(cls, { dtype: 'int32' }) },
    });
    const split = trainValTestSplit(d, { seed: 3, fractions: [0.6, 0.2, 0.2], stratifyBy: 'cls' });
    const count = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => cls[i] === c).length;
    const { train, validation, test } = split.indices;
    for (const [c, size] of [
      [0, 150],
      [1, 60],
      [2, 30],
      [-1, 60],
    ] as const) {
      expect(count(train, c)).toBe(0.6 * size);
      expect(count(validation, c)).toBe(0.2 * size);
      expect(count(test, c)).toBe(0.2 * size);
    }
  });

  it('stratifies by a binary float task within one sample per class, exact part sizes', () => {
    const n = 97;
    const bin = Float64Array.from({ length: n }, (_, i) => (i % 9 === 0 ? Number.NaN : i % 4 === 0 ? 1 : 0));
    const d = new MultiTaskDataset({
      features: tensor(new Float32Array(n), { shape: [n, 1] }),
      labels: { bin: tensor(bin) },
    });
    for (const seed of [0, 1, 2]) {
      const { indices } = trainValTestSplit(d, { seed, fractions: [0.7, 0.15, 0.15], stratifyBy: 'bin' });
      expect([indices.train.length, indices.validation.length, indices.test.length]).toEqual([68, 15, 14]);
      const groups = [(v: number) => v === 0, (v: number) => v === 1, Number.isNaN];
      for (const inGroup of groups) {
        const total = Array.from(bin).filter(inGroup).length;
        const parts = [indices.train, indices.validation, indices.test];
        [0.7, 0.15, 0.15].forEach((f, p) => {
          const got = Array.from(parts[p]!).filter((i) => inGroup(bin[i]!)).length;
          expect(Math.abs(got - f * total)).toBeLessThan(1 + 1e-9);
        });
      }
    }
  });

  it('validates fractions and the stratifying task', () => {
    const d = makeDataset(10);
    expect(() => trainValTestSplit(d, { fractions: [0.5, 0.2, 0.2] })).toThrow(
      /must sum to 1 — got \[0.5, 0.2, 0.2\]/,
    );
    expect(() => trainValTestSplit(d, { fractions: [1.2, -0.1, -0.1] })).toThrow(/three numbers >= 0/);
    expect(() => trainValTestSplit(d, { fractions: [0.5, 0.5] as never })).toThrow(ValueError);
    expect(() => trainValTestSplit(d, { stratifyBy: 'nope' })).toThrow(/stratifyBy names no task/);
    expect(() => trainValTestSplit(d, { stratifyBy: 'reg' })).toThrow(/cannot stratify by task "reg"/);
  });
});

describe('Standardizer', () => {
  it('standardises images per channel, over every sample and position', () => {
    // Channel 0 holds 0…7 across the batch, channel 1 holds 100 + 2·(0…7).
    const values: number[] = [];
    for (let n = 0; n < 2; n++) {
      for (let k = 0; k < 4; k++) values.push(n * 4 + k);
      for (let k = 0; k < 4; k++) values.push(100 + 2 * (n * 4 + k));
    }
    const x = tensor(values, { dtype: 'float64', shape: [2, 2, 2, 2] });
    const s = new Standardizer().fit(x);
    const sd = Math.sqrt(5.25); // population std of 0…7
    expect(Array.from(s.mean.data)).toEqual([3.5, 107]);
    expect(s.std.data[0]).toBeCloseTo(sd, 12);
    expect(s.std.data[1]).toBeCloseTo(2 * sd, 12);
    const z = s.transform(x);
    expect(z.shape).toEqual([2, 2, 2, 2]);
    expect(z.get(1, 1, 1, 1)).toBeCloseTo((114 - 107) / (2 * sd), 12);
    expect(Array.from(s.inverseTransform(z).data).map((v) => Math.round(v * 1e9) / 1e9)).toEqual(values);
    expect(() => s.transform(tensor(new Float64Array(12), { shape: [1, 3, 2, 2] }))).toThrow(
      /x has 3 columns .* but the standardizer was fitted on 2/,
    );
  });

  it('fits per-column mean and population std, and round-trips', () => {
    const x = tensor(
      [
        [1, 10, 5],
        [2, 20, 5],
        [3, 30, 5],
        [4, 40, 5],
      ],
      { dtype: 'float64' },
    );
    const s = new Standardizer().fit(x);
    expect(s.mean.toArray()).toEqual([2.5, 25, 5]);
    const popStd = Math.sqrt(1.25);
    expect(s.std.toArray()).toEqual([popStd, 10 * popStd, 1]);
    const z = s.transform(x);
    expect(z.dtype).toBe('float64');
    expect((z.toArray() as number[][]).map((r) => r[0])).toEqual(
      [-1.5, -0.5, 0.5, 1.5].map((v) => v / popStd),
    );
    expect((z.toArray() as number[][]).map((r) => r[2])).toEqual([0, 0, 0, 0]);
    const back = s.inverseTransform(z);
    for (let i = 0; i < x.size; i++) expect(back.data[i]).toBeCloseTo(x.data[i]!, 12);
  });

  it('ignores NaN when fitting and keeps NaN through both maps', () => {
    const y = tensor([2, Number.NaN, 4, 6, Number.NaN], { dtype: 'float32' });
    const s = new Standardizer().fit(y);
    expect(s.mean.item()).toBeCloseTo(4, 12);
    expect(s.std.item()).toBeCloseTo(Math.sqrt(8 / 3), 12);
    const z = s.transform(y);
    expect(z.dtype).toBe('float32');
    expect(z.shape).toEqual([5]);
    expect(Number.isNaN(z.data[1]!)).toBe(true);
    expect(z.data[2]).toBeCloseTo(0, 6);
    expect(Number.isNaN(s.inverseTransform(z).data[4]!)).toBe(true);
    const allNaN = new Standardizer().fit(tensor([Number.NaN, Number.NaN]));
    expect(allNaN.toJSON()).toEqual({ mean: [0], std: [1] });
  });

  it('treats a constant column with rounding noise as zero-std', () => {
    const s = new Standardizer().fit(tensor([0.1, 0.1, 0.1], { dtype: 'float64' }));
    expect(s.std.item()).toBe(1);
  });

  it('applies train statistics to other data, and survives JSON', () => {
    const train = tensor([[0], [2]], { dtype: 'float64' });
    const s = new Standardizer().fit(train);
    const copy = Standardizer.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(copy.fitted).toBe(true);
    expect(copy.transform(tensor([[4]], { dtype: 'float64' })).toArray()).toEqual([[3]]);
    expect(copy.toJSON()).toEqual(s.toJSON());
  });

  it('refuses to run unfitted, on other column counts, and on bad JSON', () => {
    expect(() => new Standardizer().transform(tensor([1]))).toThrow(/not fitted yet/);
    const s = new Standardizer().fit(tensor([[1, 2]]));
    expect(() => s.transform(tensor([[1, 2, 3]]))).toThrow(/x has 3 columns .* fitted on 2/);
    expect(() => s.fit(tensor([1, 2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => Standardizer.fromJSON({ mean: [0], std: [0] })).toThrow(/std\[0\]=0/);
    expect(() => Standardizer.fromJSON({ mean: [0], std: [] })).toThrow(ValueError);
  });
});

describe('oneHotEncode', () => {
  it('encodes sorted categories, missing as all zeros', () => {
    const { tensor: t, categories } = oneHotEncode(['Dream', 'Biscoe', null, 'Dream', 'Torgersen']);
    expect(categories).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('uses given categories in their order; unknown values give zeros', () => {
    const { tensor: t, categories } = oneHotEncode(['b', 'z', 'a'], {
      categories: ['b', 'a'],
      dtype: 'float64',
    });
    expect(categories).toEqual(['b', 'a']);
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 0],
      [0, 0],
      [0, 1],
    ]);
    expect(() => oneHotEncode(['a'], { categories: ['a', 'a'] })).toThrow(/lists "a" twice/);
    expect(() => oneHotEncode([1 as never])).toThrow(/values\[0\] must be a string or null/);
    expect(oneHotEncode([]).tensor.shape).toEqual([0, 0]);
  });
});

describe('encodeLabels', () => {
  it('maps classes to int32 indices and missing to -1', () => {
    const { indices, classes } = encodeLabels(['male', null, 'female', 'male', undefined]);
    expect(classes).toEqual(['female', 'male']);
    expect(indices.dtype).toBe('int32');
    expect(indices.toArray()).toEqual([1, -1, 0, 1, -1]);
  });

  it('uses given classes and refuses unknown labels', () => {
    expect(encodeLabels(['c', 'a'], { classes: ['c', 'b', 'a'] }).indices.toArray()).toEqual([0, 2]);
    expect(() => encodeLabels(['d'], { classes: ['a', 'b'] })).toThrow(
      /values\[0\]="d" is not one of the classes \["a", "b"\]/,
    );
  });

  it('feeds a dataset whose masks agree with the missing labels', () => {
    const { indices } = encodeLabels(['x', null, 'y']);
    const d = new MultiTaskDataset({
      features: tensor(new Float32Array(3), { shape: [3, 1] }),
      labels: { c: indices },
    });
    expect(d.labelMask('c').toArray()).toEqual([true, false, true]);
  });
});
