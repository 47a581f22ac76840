import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensorsFile, SaveError } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, randn, type Tensor, tensor } from '@mtl/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { MultiTaskDataset } from '../src/data/MultiTaskDataset';
import { CheckpointError, HardSharing, UW } from '../src/index';
import { Trainer } from '../src/training/Trainer';

const folder = temporaryDirectories('mtl-checkpoint-')();

function data(n: number, dtype: 'float32' | 'float64') {
  const g = new Generator(5);
  const x = randn([n, 3], { dtype, generator: g });
  return new MultiTaskDataset({ features: x, labels: { a: x.sum(1), b: x.select(1, 0) } });
}

function build(dtype: 'float32' | 'float64' = 'float32', hidden = [8]) {
  const model = HardSharing.mlp({
    inputSize: 3,
    hidden,
    tasks: { a: 1, b: 1 },
    dtype,
    generator: new Generator(2),
  });
  const weighting = new UW({ tasks: ['a', 'b'] });
  const optimizer = new Adam([...model.parameters(), ...weighting.parameters()], { lr: 0.01 });
  const tasks = [
    { name: 'a', type: 'regression' as const },
    { name: 'b', type: 'regression' as const },
  ];
  return new Trainer({ model, tasks, optimizer, weighting, progress: false });
}

/** Every number a trainer would resume from: parameters, optimizer state, counters, history. */
function everything(trainer: Trainer) {
  const bits = (t: Tensor) => Array.from(t.data, (v) => (Object.is(v, -0) ? '-0' : String(v)));
  return {
    weights: Object.entries(trainer.model.stateDict()).map(([k, t]) => [k, t.dtype, bits(t)]),
    optimizer: [...trainer.optimizer.state.values()].map((s) =>
      Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : bits(v as Tensor)]),
    ),
    lr: trainer.optimizer.paramGroups.map((g) => g.lr),
    weighting: trainer.weighting.stateDict(),
    epoch: trainer.epoch,
    stepCount: trainer.stepCount,
    history: trainer.history,
  };
}

describe('Trainer.save / load: one atomic file', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`round-trips every bit of a ${dtype} run, NaN, ±Infinity and −0 included`, async () => {
      const a = build(dtype);
      a.fit(data(24, dtype), { epochs: 2, batchSize: 8 });
      // Resuming from the file trains on exactly as the run that was not interrupted.
      const clean = join(folder, `clean-${dtype}.safetensors`);
      await a.save(clean);
      const c = build(dtype);
      await c.load(clean);
      const straight = build(dtype);
      straight.fit(data(24, dtype), { epochs: 3, batchSize: 8 });
      c.fit(data(24, dtype), { epochs: 3, batchSize: 8 });
      expect(everything(c)).toEqual(everything(straight));

      // Values JSON cannot hold, in the optimizer's moments and in the history.
      const [state] = a.optimizer.state.values();
      const expAvg = state!.expAvg as Tensor;
      expAvg.data[0] = Number.NaN;
      expAvg.data[1] = Number.POSITIVE_INFINITY;
      expAvg.data[2] = Number.NEGATIVE_INFINITY;
      expAvg.data[3] = -0;
      a.history.steps[0]!.losses.a = Number.NaN;
      a.history.epochs[0]!.train.b = Number.NEGATIVE_INFINITY;
      const path = join(folder, `round-${dtype}.safetensors`);
      await a.save(path);

      const b = build(dtype);
      await b.load(path);
      expect(everything(b)).toEqual(everything(a));
    });
  }

  it('task names that look like markers or hold a slash survive', async () => {
    const model = HardSharing.mlp({
      inputSize: 3,
      hidden: [4],
      tasks: { $number: 1, 'x/y': 1 },
      generator: new Generator(1),
    });
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const tasks = [
      { name: '$number', type: 'regression' as const },
      { name: 'x/y', type: 'regression' as const },
    ];
    const x = randn([8, 3], { generator: new Generator(1) });
    const train = new MultiTaskDataset({ features: x, labels: { $number: x.sum(1), 'x/y': x.select(1, 1) } });
    const make = () => new Trainer({ model, tasks, optimizer, progress: false });
    const a = make();
    a.fit(train, { epochs: 1, batchSize: 4 });
    const path = join(folder, 'markers.safetensors');
    await a.save(path);
    const history = structuredClone(a.history);
    a.history.steps.length = 0;
    await a.load(path);
    expect(a.history).toEqual(history);
  });

  it('the weights load into a model from the file with the usual loader (what PyTorch sees)', async () => {
    const a = build();
    a.fit(data(16, 'float32'), { epochs: 1, batchSize: 8 });
    const path = join(folder, 'weights.safetensors');
    await a.save(path);
    const all = await loadSafetensorsFile(path);
    const weights = Object.fromEntries(Object.entries(all).filter(([name]) => !name.includes('/')));
    expect(Object.keys(weights).sort()).toEqual(Object.keys(a.model.stateDict()).sort());
    const fresh = build().model;
    fresh.loadStateDict(weights);
    expect(Array.from(fresh.parameters()[0]!.value.data)).toEqual(
      Array.from(a.model.parameters()[0]!.value.data),
    );
    expect(Object.keys(all).some((name) => name.startsWith('trainer/optimizer/'))).toBe(true);
  });
});

describe('Trainer.load: damaged files are refused, the trainer is left as it was', () => {
  const saved = async () => {
    const a = build();
    a.fit(data(16, 'float32'), { epochs: 1, batchSize: 8 });
    const path = join(folder, `good-${Math.random().toString(36).slice(2)}.safetensors`);
    await a.save(path);
    return { path, bytes: readFileSync(path) };
  };

  const refused = async (bytes: Uint8Array, pattern: RegExp) => {
    const path = join(folder, `bad-${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(path, bytes);
    const b = build();
    const before = everything(b);
    const error = await b.load(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(pattern);
    expect(everything(b)).toEqual(before);
  };

  it('a truncated file', async () => {
    const { bytes } = await saved();
    for (const cut of [0, 5, 100, bytes.length >> 1, bytes.length - 1])
      await refused(bytes.subarray(0, cut), /truncated|shorter|past the end/);
  });

  it('a flipped bit in the data', async () => {
    const { bytes } = await saved();
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 3]! ^= 0x10;
    await refused(damaged, /checksum/);
  });

  it('a safetensors file that is not a checkpoint', async () => {
    const path = join(folder, 'weights-only.safetensors');
    const { saveSafetensorsFile } = await import('@mtl/nn');
    await saveSafetensorsFile(path, build().model.stateDict());
    await refused(readFileSync(path), /not a trainer checkpoint/);
  });

  it('a checkpoint of another model', async () => {
    const other = build('float32', [5]);
    const path = join(folder, 'other.safetensors');
    await other.save(path);
    await refused(readFileSync(path), /does not fit this trainer.*shape/);
  });

  it('a missing file', async () => {
    const error = await build()
      .load(join(folder, 'nowhere.safetensors'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/cannot read .*nowhere\.safetensors.*ENOENT/);
  });
});

describe('Trainer.restore validates what it reads', () => {
  const trained = () => {
    const a = build();
    a.fit(data(16, 'float32'), { epochs: 1, batchSize: 8 });
    return a.checkpoint();
  };

  for (const [field, value] of [
    ['epoch', Number.NaN],
    ['epoch', -1],
    ['epoch', 1.5],
    ['stepCount', '3'],
    ['history', null],
    ['optimizer', 7],
    ['weighting', []],
    ['generator', 'seed'],
  ] as const) {
    it(`state.${field} = ${String(value)}`, () => {
      const { weights, state } = trained();
      const b = build();
      const before = everything(b);
      const bad = { ...state, [field]: value };
      expect(() => b.restore({ weights, state: bad as never })).toThrow(CheckpointError);
      expect(() => b.restore({ weights, state: bad as never })).toThrow(new RegExp(`state\\.${field}`));
      expect(everything(b)).toEqual(before);
    });
  }

  it('an optimizer state of another optimizer puts the weights back', () => {
    const { weights, state } = trained();
    const b = build();
    const before = everything(b);
    const bad = { ...state, optimizer: { state: {}, paramGroups: [] } };
    expect(() => b.restore({ weights, state: bad })).toThrow(/parameter groups/);
    expect(everything(b)).toEqual(before);
  });
});

// A full disk, for real: a 256 KiB tmpfs (root only; CI runs as root).
const mountPoint = join(folder, 'small-disk');
const canMount = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    mkdirSync(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
afterAll(() => {
  if (canMount) execFileSync('umount', [mountPoint], { stdio: 'ignore' });
});

describe.skipIf(!canMount)('a full disk', () => {
  it('leaves the previous checkpoint whole and throws SaveError', async () => {
    const a = build('float32', [16]);
    a.fit(data(16, 'float32'), { epochs: 1, batchSize: 8 });
    const path = join(mountPoint, 'run.safetensors');
    await a.save(path);
    const good = readFileSync(path);
    const expected = structuredClone(everything(a));
    // Fill the disk but for less than the next checkpoint needs.
    const free = 256 * 1024 - Number(execFileSync('du', ['-sb', mountPoint]).toString().split('\t')[0]);
    writeFileSync(join(mountPoint, 'filler'), new Uint8Array(Math.max(0, free - (good.length >> 1))));
    a.fit(data(16, 'float32'), { epochs: 3, batchSize: 8 });

    const error = await a.save(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as Error).message).toMatch(/Trainer\.save: could not write .*run\.safetensors.*ENOSPC/);
    expect(readFileSync(path)).toEqual(good);
    expect(statSync(path).size).toBe(good.length);
    // No temporary file left behind.
    expect(
      execFileSync('ls', ['-a', mountPoint])
        .toString()
        .split('\n')
        .filter((f) => f.endsWith('.tmp')),
    ).toEqual([]);
    const b = build('float32', [16]);
    await b.load(path);
    expect(everything(b)).toEqual(expected);
  });
});

it('a checkpoint made before more training is not changed by it', () => {
  const a = build();
  a.fit(data(16, 'float32'), { epochs: 1, batchSize: 8 });
  const { state } = a.checkpoint();
  const steps = state.history.steps.length;
  a.fit(data(16, 'float32'), { epochs: 2, batchSize: 8 });
  expect(state.history.steps.length).toBe(steps);
  expect(tensor([state.epoch]).item()).toBe(1);
});
