import { Adam } from '@mtl/optim';
import { Generator, MtlError, randn, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { MultiTaskDataset } from '../src/data/MultiTaskDataset';
import { HardSharing } from '../src/index';
import { Trainer, type TrainerOptions } from '../src/training/Trainer';

const tmp = temporaryDirectories('mtl-proto-');

const model = () =>
  HardSharing.mlp({
    inputSize: 2,
    hidden: [4],
    tasks: { a: 1, b: 1 },
    dtype: 'float64',
    generator: new Generator(1),
  });
const tasks = [
  { name: 'a', type: 'regression' as const },
  { name: 'b', type: 'regression' as const },
];
const options = (overrides: Record<string, unknown> = {}): TrainerOptions => {
  const m = model();
  return {
    model: m,
    tasks,
    optimizer: new Adam(m.parameters(), { lr: 0.01 }),
    progress: false,
    ...overrides,
  };
};

/** n rows; the rows in `bad` have a NaN feature, so their batches have a NaN loss. */
function data(n: number, bad: (i: number) => boolean = () => false) {
  const x = randn([n, 2], { dtype: 'float64', generator: new Generator(3) });
  for (let i = 0; i < n; i++) if (bad(i)) x.data[2 * i] = Number.NaN;
  const clean = randn([n], { dtype: 'float64', generator: new Generator(4) });
  return new MultiTaskDataset({ features: x, labels: { a: clean, b: clean } });
}

describe('Trainer refuses bad options before any work, naming the option', () => {
  for (const [label, make, pattern] of [
    ['no options', () => null, /Trainer: options must be an object such as \{ .* \} — got null/],
    ['a typo', () => options({ onNonFinit: 'skip' }), /unknown option "onNonFinit"/],
    [
      'onNonFinite: ignore',
      () => options({ onNonFinite: 'ignore' }),
      /options\.onNonFinite must be one of 'throw', 'skip'/,
    ],
    [
      'maxSkippedFraction: 2',
      () => options({ maxSkippedFraction: 2 }),
      /options\.maxSkippedFraction must be in \[0, 1\]/,
    ],
    [
      'clipGradNorm: -1',
      () => options({ clipGradNorm: -1 }),
      /options\.clipGradNorm must be a finite number > 0/,
    ],
    ['a string model', () => options({ model: 'mlp' }), /options\.model must be a multi-task model/],
    ['no tasks', () => options({ tasks: [] }), /options\.tasks must be a non-empty array/],
    ['a task twice', () => options({ tasks: [tasks[0], tasks[0]] }), /task "a" is listed twice/],
    [
      'a task without a type',
      () => options({ tasks: [{ name: 'a' }] }),
      /options\.tasks\[0\]\.type is missing/,
    ],
    [
      'an unknown metric',
      () => options({ tasks: [{ ...tasks[0], metrics: ['acc'] }] }),
      /options\.tasks\[0\]\.metrics\[0\] must be one of/,
    ],
    [
      'an optimizer that is not one',
      () => options({ optimizer: {} }),
      /options\.optimizer must be an @mtl\/optim optimizer/,
    ],
  ] as const) {
    it(label, () => {
      expect(() => new Trainer(make() as never)).toThrow(MtlError);
      expect(() => new Trainer(make() as never)).toThrow(pattern);
    });
  }
});

describe('Trainer.fit refuses what would train nothing or wrongly', () => {
  for (const [label, train, fit, pattern] of [
    [
      'an empty dataset',
      () => ({
        features: tensor([], { shape: [0, 2], dtype: 'float64' }),
        labels: { a: tensor([]), b: tensor([]) },
      }),
      { epochs: 1 },
      /train has no rows/,
    ],
    [
      'labels: null',
      () => ({ features: data(4).features, labels: null }),
      { epochs: 1 },
      /train\.labels must be an object of label tensors/,
    ],
    [
      'a missing task',
      () => ({ features: data(4).features, labels: { a: data(4).labels.a } }),
      { epochs: 1 },
      /train has no labels for task "b"/,
    ],
    ['epochs: NaN', () => data(4), { epochs: Number.NaN }, /options\.epochs must be a positive integer/],
    [
      'batchSize: 0',
      () => data(4),
      { epochs: 1, batchSize: 0 },
      /options\.batchSize must be a positive integer/,
    ],
    [
      'patience: -1',
      () => data(4),
      { epochs: 1, validation: data(4), earlyStopping: { patience: -1 } },
      /earlyStopping\.patience must be a non-negative integer/,
    ],
    [
      'an unknown monitor',
      () => data(4),
      { epochs: 1, validation: data(4), earlyStopping: { monitor: 'c.mae' } },
      /earlyStopping\.monitor must be 'loss' or one of/,
    ],
    ['no options', () => data(4), undefined, /options must be given/],
  ] as const) {
    it(label, () => {
      const trainer = new Trainer(options());
      expect(() => trainer.fit(train() as never, fit as never)).toThrow(MtlError);
      expect(() => trainer.fit(train() as never, fit as never)).toThrow(pattern);
      expect(trainer.history.steps).toEqual([]);
    });
  }
});

it('trainStep checks the batch it is given (fit checks its data once, not every batch)', () => {
  const trainer = new Trainer(options());
  expect(() => trainer.trainStep({ features: data(4).features, labels: null } as never)).toThrow(
    /Trainer\.trainStep: batch\.labels must be an object of label tensors/,
  );
  expect(trainer.trainStep(data(4))).not.toBeNull();
});

describe("onNonFinite: 'skip'", () => {
  it('counts skipped steps in the epoch record', () => {
    const trainer = new Trainer(options({ onNonFinite: 'skip' }));
    trainer.fit(
      data(40, (i) => i === 5),
      { epochs: 1, batchSize: 4, shuffle: false, trainMetrics: false },
    );
    expect(trainer.history.epochs[0]!.skippedSteps).toBe(1);
    expect(trainer.history.steps.length).toBe(9);
  });

  it('stops when an epoch skips more than maxSkippedFraction of its steps, naming the first', () => {
    const trainer = new Trainer(options({ onNonFinite: 'skip' }));
    const train = data(80, (i) => i >= 4);
    expect(() =>
      trainer.fit(train, { epochs: 1, batchSize: 1, shuffle: false, trainMetrics: false }),
    ).toThrow(
      /76 of 80 steps in epoch 0 were skipped for a non-finite loss \(first: the loss of task "a" is NaN at step 4 \(epoch 0\)\), more than maxSkippedFraction \(0\.5\)/,
    );
    const lenient = new Trainer(options({ onNonFinite: 'skip', maxSkippedFraction: 1 }));
    lenient.fit(train, { epochs: 1, batchSize: 1, shuffle: false, trainMetrics: false });
    expect(lenient.history.epochs[0]!.skippedSteps).toBe(76);
  });
});

describe('task names are data, not code', () => {
  it('tasks named __proto__ and constructor train, evaluate and checkpoint', async () => {
    const names = ['__proto__', 'constructor'];
    const heads = Object.fromEntries(names.map((n) => [n, 1]));
    const m = HardSharing.mlp({
      inputSize: 2,
      hidden: [4],
      tasks: heads,
      dtype: 'float64',
      generator: new Generator(1),
    });
    const specs = names.map((name) => ({ name, type: 'regression' as const }));
    const make = () =>
      new Trainer({ model: m, tasks: specs, optimizer: new Adam(m.parameters()), progress: false });
    const x = randn([8, 2], { dtype: 'float64', generator: new Generator(2) });
    const labels = Object.fromEntries(names.map((n) => [n, x.sum(1)]));
    const train = new MultiTaskDataset({ features: x, labels });
    const trainer = make();
    trainer.fit(train, { epochs: 2, batchSize: 4 });
    expect(Object.keys(trainer.history.epochs[1]!.train).sort()).toEqual([...names].sort());
    expect(Object.keys(trainer.evaluate(train)).sort()).toEqual([...names].sort());
    expect(Object.keys(trainer.history.steps[0]!.losses).sort()).toEqual([...names].sort());
    const { join } = await import('node:path');
    const path = join(tmp(), 'run.safetensors');
    await trainer.save(path);
    const again = make();
    await again.load(path);
    expect(again.history).toEqual(trainer.history);
  });
});
