import { Adam, StepLR } from '@mtl/optim';
import { Generator, randn, tensor } from '@mtl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { MultiTaskDataset } from '../src/data/MultiTaskDataset';
import { GradDrop, HardSharing, MGDA, PCGrad, Standardizer, UW } from '../src/index';
import { Trainer, type TrainerOptions } from '../src/training/Trainer';

const tmp = temporaryDirectories('mtl-trainer-');

/** Two regression tasks and one binary task from a linear rule, some labels missing. */
function data(n: number, seed: number) {
  const g = new Generator(seed);
  const x = randn([n, 4], { dtype: 'float64', generator: g });
  const s = x.sum(1);
  const diff = x.select(1, 0).sub(x.select(1, 1));
  const sLabels = Array.from(s.data, (v, i) => (i % 7 === 3 ? Number.NaN : v));
  return new MultiTaskDataset({
    features: x,
    labels: {
      sum: tensor(sLabels, { dtype: 'float64' }),
      diff,
      positive: tensor(
        Array.from(s.data, (v, i) => (i % 5 === 0 ? Number.NaN : v > 0 ? 1 : 0)),
        { dtype: 'float64' },
      ),
    },
  });
}

const model = () =>
  HardSharing.mlp({
    inputSize: 4,
    hidden: [16],
    tasks: { sum: 1, diff: 1, positive: 1 },
    dtype: 'float64',
    generator: new Generator(1),
  });

const tasks = [
  { name: 'sum', type: 'regression' as const },
  { name: 'diff', type: 'regression' as const },
  { name: 'positive', type: 'binary' as const },
];

/**
 * A Trainer on a fresh `model()` (or the given one) with the three tasks, no progress bar and
 * Adam at `lr` over the model's and the weighting method's parameters, unless overridden.
 */
function makeTrainer({
  lr = 0.02,
  model: m = model(),
  ...overrides
}: Partial<Omit<TrainerOptions, 'model'>> & { lr?: number; model?: HardSharing } = {}): {
  m: HardSharing;
  trainer: Trainer;
} {
  const optimizer = new Adam([...m.parameters(), ...(overrides.weighting?.parameters() ?? [])], { lr });
  return { m, trainer: new Trainer({ model: m, tasks, optimizer, progress: false, ...overrides }) };
}

describe('Trainer', () => {
  it('iterate yields each step and each epoch, and runs the same training as fit', () => {
    const make = () => makeTrainer().trainer;
    const options = { epochs: 2, batchSize: 64, validation: data(50, 9) };
    const stepped = make();
    const kinds: string[] = [];
    for (const event of stepped.iterate(data(200, 2), options)) kinds.push(event.type);
    // 200 rows in batches of 64: 4 steps, then the epoch.
    expect(kinds).toEqual(['step', 'step', 'step', 'step', 'epoch', 'step', 'step', 'step', 'step', 'epoch']);
    const fitted = make();
    fitted.fit(data(200, 2), options);
    expect(stepped.history).toEqual(fitted.history);
  });

  it('fits three tasks with missing labels and reports per-task metrics', () => {
    const { trainer } = makeTrainer();
    const before = trainer.evaluate(data(100, 9));
    const history = trainer.fit(data(200, 2), { epochs: 30, batchSize: 32, validation: data(100, 9) });
    const after = trainer.evaluate(data(100, 9));
    expect(history.epochs.length).toBe(30);
    expect(history.steps.length).toBe(30 * 7);
    expect(after.sum!.r2).toBeGreaterThan(0.9);
    expect(after.diff!.rmse).toBeLessThan(before.diff!.rmse! / 3);
    expect(after.positive!.accuracy).toBeGreaterThan(0.9);
    expect(Object.keys(after.positive!)).toEqual(['loss', 'accuracy', 'f1', 'auc']);
    expect(Number.isFinite(history.steps.at(-1)!.losses.sum!)).toBe(true);
    expect(history.epochs.at(-1)!.trainMetrics!.sum!.r2).toBeGreaterThan(0.9);
    expect(Object.keys(history.epochs[0]!.validation!)).toEqual(['sum', 'diff', 'positive']);
  });

  it('records gradient diagnostics every k steps for gradient-level methods', () => {
    const { trainer } = makeTrainer({
      lr: 0.01,
      weighting: new PCGrad({ order: 'fixed' }),
      diagnosticsEvery: 3,
    });
    trainer.fit(data(64, 3), { epochs: 1, batchSize: 8 });
    const withDiagnostics = trainer.history.steps.filter((s) => s.cosine !== undefined).map((s) => s.step);
    expect(withDiagnostics).toEqual([0, 3, 6]);
    expect(trainer.history.steps[0]!.cosine!.length).toBe(3);
  });

  it('takes the model’s shared parameters once per fit, not once per step', () => {
    const { m, trainer } = makeTrainer({ weighting: new PCGrad({ order: 'fixed' }) });
    const shared = vi.spyOn(m, 'sharedParameters');
    const history = trainer.fit(data(64, 3), { epochs: 2, batchSize: 16 });
    expect(history.steps.length).toBe(8);
    expect(shared).toHaveBeenCalledTimes(1);
    // A step outside fit still asks the model.
    const x = randn([4, 4], { dtype: 'float64' });
    trainer.trainStep({
      features: x,
      labels: { sum: x.sum(1), diff: x.select(1, 0), positive: x.select(1, 1) },
    });
    expect(shared).toHaveBeenCalledTimes(2);
  });

  it('passes the representation to methods that need it (GradDrop) and, when asked, to others (MGDA-UB)', () => {
    for (const [weighting, useRepresentation] of [
      [new GradDrop({ seed: 1 }), false],
      [new MGDA(), true],
    ] as const) {
      const { m, trainer } = makeTrainer({ lr: 0.01, weighting, useRepresentation });
      const history = trainer.fit(data(64, 3), { epochs: 2, batchSize: 16 });
      expect(history.steps.length).toBe(8);
      expect(m.sharedParameters().every((p) => p.value.data.every(Number.isFinite))).toBe(true);
    }
  });

  it('a batch where a task has no labels trains the others and gives no NaN', () => {
    const { m, trainer } = makeTrainer({ lr: 0.01 });
    const x = randn([4, 4], { dtype: 'float64' });
    const record = trainer.trainStep({
      features: x,
      labels: {
        sum: tensor([Number.NaN, Number.NaN, Number.NaN, Number.NaN], { dtype: 'float64' }),
        diff: x.select(1, 0),
        positive: tensor([1, 0, 1, 0], { dtype: 'float64' }),
      },
    })!;
    expect(Object.keys(record.losses)).toEqual(['diff', 'positive']);
    expect(m.parameters().every((p) => p.value.data.every(Number.isFinite))).toBe(true);
  });

  it('a NaN loss names the task, the step and the last finite loss', () => {
    const { trainer } = makeTrainer({ lr: 0.01 });
    const x = randn([4, 4], { dtype: 'float64' });
    const labels = {
      sum: x.sum(1),
      diff: x.select(1, 0),
      positive: tensor([1, 0, 1, 0], { dtype: 'float64' }),
    };
    trainer.trainStep({ features: x, labels });
    const bad = { ...labels, diff: tensor([Number.POSITIVE_INFINITY, 0, 0, 0], { dtype: 'float64' }) };
    expect(() => trainer.trainStep({ features: x, labels: bad })).toThrow(
      /loss of task "diff" is Infinity at step 1 \(epoch 0\); its last finite loss was \d/,
    );
  });

  it('early stopping restores the best weights', () => {
    const { trainer } = makeTrainer({ lr: 0.05 });
    const validation = data(50, 4);
    trainer.fit(data(100, 5), {
      epochs: 40,
      batchSize: 16,
      validation,
      earlyStopping: { monitor: 'sum.rmse', patience: 3 },
    });
    const best = Math.min(...trainer.history.epochs.map((e) => e.validation!.sum!.rmse!));
    expect(trainer.evaluate(validation).sum!.rmse).toBeCloseTo(best, 10);
  });

  it('names a task the model does not have', () => {
    expect(() => makeTrainer({ tasks: [{ name: 'price', type: 'regression' }] })).toThrow(
      /task "price" is not an output of the model \(sum, diff, positive\)/,
    );
  });
});

describe('checkpoints', () => {
  const build = () => {
    const m = model();
    const weighting = new UW({ tasks: ['sum', 'diff', 'positive'] });
    const optimizer = new Adam([...m.parameters(), ...weighting.parameters()], { lr: 0.02 });
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    return makeTrainer({ model: m, weighting, optimizer, scheduler });
  };

  it('a run resumed from a checkpoint ends bit-identical to an uninterrupted one', () => {
    const train = data(96, 6);
    const straight = build();
    straight.trainer.fit(train, { epochs: 6, batchSize: 16, seed: 3 });

    const first = build();
    first.trainer.fit(train, { epochs: 3, batchSize: 16, seed: 3 });
    const saved = first.trainer.checkpoint();
    const resumed = build();
    resumed.trainer.restore({ weights: saved.weights, state: JSON.parse(JSON.stringify(saved.state)) });
    resumed.trainer.fit(train, { epochs: 6, batchSize: 16, seed: 3 });

    const a = straight.m.parameters().map((p) => Array.from(p.value.data));
    const b = resumed.m.parameters().map((p) => Array.from(p.value.data));
    expect(b).toEqual(a);
    expect(resumed.trainer.history.steps.length).toBe(straight.trainer.history.steps.length);
    expect(resumed.trainer.optimizer.paramGroups[0]!.lr).toBe(straight.trainer.optimizer.paramGroups[0]!.lr);
  });

  it('saves to and loads from files', async () => {
    const { join } = await import('node:path');
    const path = join(tmp(), 'run');
    const a = build();
    a.trainer.fit(data(32, 1), { epochs: 1, batchSize: 16 });
    await a.trainer.save(path);
    const b = build();
    await b.trainer.load(path);
    expect(b.m.parameters().map((p) => Array.from(p.value.data))).toEqual(
      a.m.parameters().map((p) => Array.from(p.value.data)),
    );
    expect(b.trainer.epoch).toBe(1);
  });
});

describe('metrics in original units', () => {
  it('a regression task with a targetScaler reports MAE in the original units', () => {
    const train = data(64, 7);
    const scaler = new Standardizer().fit(train.labels.diff!);
    const scaled = new MultiTaskDataset({
      features: train.features,
      labels: { ...train.labels, diff: scaler.transform(train.labels.diff!) },
    });
    const m = model();
    const plainTasks = [...tasks];
    const withScaler = tasks.map((t) => (t.name === 'diff' ? { ...t, targetScaler: scaler } : t));
    const a = makeTrainer({ model: m, tasks: plainTasks }).trainer.evaluate(scaled);
    const b = makeTrainer({ model: m, tasks: withScaler }).trainer.evaluate(scaled);
    expect(b.diff!.mae).toBeCloseTo(a.diff!.mae! * scaler.std.data[0]!, 10);
    expect(b.diff!.loss).toBe(a.diff!.loss);
  });
});
