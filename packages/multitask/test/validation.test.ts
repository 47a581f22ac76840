import {
  DTypeError,
  Generator,
  IndexError,
  MtlError,
  randn,
  type Tensor,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import {
  accuracy,
  auc,
  CGC,
  CrossStitch,
  DataLoader,
  DSelectK,
  DSelectKGate,
  encodeLabels,
  f1,
  gradNormToy,
  HardSharing,
  MMoE,
  MultiTaskDataset,
  mlp,
  mse,
  oneHotEncode,
  PLE,
  r2,
  relatedTasks,
  Standardizer,
  trainValTestSplit,
} from '../src/index';

/** A task name that is also Object.prototype's accessor. */
const PROTO = '__proto__';

/** The error `fn` throws (fails the test if it returns). */
/**
 * Throws the typed error `type` with a message matching `pattern`, before any real work: the
 * bound is the fuzz harness's hang threshold (2 s, generous on a loaded CI), far below what
 * allocating or generating the refused sizes would take.
 */
function refuses(fn: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  const start = performance.now();
  expectTyped(fn, type, pattern);
  expect(performance.now() - start).toBeLessThan(2000);
}

describe('[N, 1] scores are a one-class multiclass problem; [N] scores stay binary', () => {
  const scores = tensor([[0.3], [1.2], [-0.5], [2]]);
  const zeros = tensor([0, 0, 0, 0], { dtype: 'int32' });

  it('accuracy and f1 take the argmax of [N, 1] scores against [N] class indices', () => {
    expect(accuracy(scores, zeros)).toBe(1); // was 0.25 (read as binary logits)
    expect(f1(scores, zeros)).toBe(1);
    expect(f1(scores, zeros, { average: 'micro' })).toBe(1);
    expect(accuracy(scores, [0, 0, Number.NaN, 0])).toBe(1);
  });

  it('[N] scores are binary logits, and [N, 1] scores against [N, 1] 0/1 targets too', () => {
    expect(accuracy([0.3, 1.2, -0.5, 2], [0, 0, 0, 0])).toBe(0.25);
    expect(accuracy(scores, tensor([[1], [1], [0], [1]]))).toBe(1);
    expect(f1(scores, tensor([[1], [0], [0], [1]]))).toBeCloseTo(0.8, 12);
  });

  it('a 0/1 target of [N, 1] scores names the one-class reading and the fix', () => {
    expectTyped(
      () => accuracy(scores, [0, 1, 0, 1]),
      IndexError,
      /target\[1\]=1 is not a class index in \[0, 1\)/,
      /one-class problem; for binary logits pass \[N\] scores/,
    );
  });

  it('auc, binary only, still reads [N, 1] scores as binary', () => {
    expect(auc(tensor([[0.1], [0.4], [0.35], [0.8]]), [0, 0, 1, 1])).toBe(0.75);
  });
});

describe('metrics check their arguments', () => {
  it('refuses junk with ValueError naming the metric, the argument and what it got', () => {
    refuses(
      () => mse(null as never, [1]),
      ValueError,
      /mse: prediction must be a Tensor or an array of numbers, got null/,
    );
    refuses(
      () => mse([1], [Symbol('s')] as never),
      ValueError,
      /mse: target\[0\] must be a number, got Symbol\(s\)/,
    );
    refuses(
      () => r2([1, 2], [1, 2], { forceFinite: 1 } as never),
      ValueError,
      /r2: forceFinite must be true or false/,
    );
    refuses(
      () => accuracy([1], [1], { threshold: 1n } as never),
      ValueError,
      /threshold for logits .* got 1n/,
    );
    refuses(() => f1([1], [1], { average: Symbol('a') } as never), ValueError, /f1: average must be one of/);
    refuses(() => accuracy([1], [1], { treshold: 0.5 } as never), ValueError, /unknown option "treshold"/);
    refuses(() => auc([1], [1], 'mask' as never), ValueError, /auc: options must be an object such as/);
    refuses(() => mse([1], [1], { mask: { length: 1 } } as never), ValueError, /mse: mask must be a Tensor/);
  });
});

describe('MultiTaskDataset, DataLoader and splits', () => {
  const x = randn([6, 2], { generator: new Generator(0) });

  it('labels: null, a missing options object and non-tensors are typed errors', () => {
    refuses(
      () => new MultiTaskDataset({ features: x, labels: null as never }),
      ValueError,
      /MultiTaskDataset: labels must be an object of label tensors, one per task — got null \(pass labels: \{\} for none\)/,
    );
    refuses(
      () => new MultiTaskDataset(undefined as never),
      ValueError,
      /features must be a Tensor — got undefined/,
    );
    refuses(
      () => new MultiTaskDataset({ features: [[1]] as never, labels: {} }),
      ValueError,
      /features must be a Tensor/,
    );
    refuses(
      () => new MultiTaskDataset({ features: x, labels: { a: [1, 2] as never } }),
      ValueError,
      /labels\["a"\] must be a Tensor — got \[1, 2\]/,
    );
    // A dataset's columns (with featureNames, tasks…) wrap as they are.
    expect(new MultiTaskDataset({ features: x, labels: {}, featureNames: ['u', 'v'] } as never).length).toBe(
      6,
    );
  });

  it('task names like __proto__ and constructor are ordinary tasks everywhere', () => {
    // Own keys named like Object.prototype members, as JSON.parse or a CSV header would make them.
    const labels: Record<string, unknown> = {};
    for (const [k, v] of [
      ['__proto__', tensor([0, 1, 0, 1, 0, 1])],
      ['constructor', tensor([0, 1, 2, 0, 1, 2], { dtype: 'int32' })],
      ['toString', tensor([1, 2, 3, 4, 5, 6])],
    ] as const) {
      Object.defineProperty(labels, k, { value: v, enumerable: true });
    }
    const data = new MultiTaskDataset({ features: x, labels: labels as Record<string, Tensor> });
    expect(data.tasks).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Array.from(data.label('__proto__').data)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Object.keys(data.subset([5, 0]).labels)).toEqual(['__proto__', 'constructor', 'toString']);
    const [batch] = [...new DataLoader(data, { batchSize: 6 })];
    expect(Object.keys(batch!.labels)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(batch!.labels[PROTO]).toBeInstanceOf(Object.getPrototypeOf(x).constructor);
    const split = trainValTestSplit(data, { fractions: [0.5, 0.5, 0], seed: 1, stratifyBy: '__proto__' });
    expect(split.train.tasks).toEqual(data.tasks);
    expect(split.test.length).toBe(0); // an empty part is allowed
    expect(() => data.label(Symbol('t') as never)).toThrow(/no task Symbol\(t\)/);
  });

  it('a DataLoader refuses an empty dataset (so fit on no rows is an error, not NaN metrics)', () => {
    const empty = new MultiTaskDataset({ features: randn([0, 2]), labels: { a: tensor([]) } });
    refuses(() => new DataLoader(empty, { batchSize: 4 }), ValueError, /DataLoader: the dataset has no rows/);
    refuses(
      () => new DataLoader({} as never, { batchSize: 4 }),
      ValueError,
      /dataset must be a MultiTaskDataset/,
    );
    const data = new MultiTaskDataset({ features: x, labels: {} });
    refuses(() => new DataLoader(data, undefined as never), ValueError, /options must be given/);
    refuses(() => new DataLoader(data, { batchsize: 4 } as never), ValueError, /unknown option "batchsize"/);
    refuses(
      () => new DataLoader(data, { batchSize: 2, shuffle: 'yes' } as never),
      ValueError,
      /shuffle must be true or false/,
    );
    refuses(
      () => new DataLoader(data, { batchSize: 2, shuffle: true, generator: {} as never }),
      ValueError,
      /generator must be a Generator — got \{\}/,
    );
    refuses(
      () => trainValTestSplit(data, { seed: 1e308 }),
      ValueError,
      /seed must be a safe integer — got 1e\+308/,
    );
    refuses(
      () => trainValTestSplit(data, { stratifyBy: 3 } as never),
      ValueError,
      /stratifyBy must be a task name/,
    );
  });

  it('Standardizer, encodeLabels and oneHotEncode', () => {
    refuses(
      () => new Standardizer().fit(null as never),
      ValueError,
      /Standardizer.fit: x must be a Tensor — got null/,
    );
    refuses(() => Standardizer.fromJSON(Symbol('j') as never), ValueError, /fromJSON: json must be/);
    refuses(
      () => Standardizer.fromJSON({ mean: [1n], std: [1] } as never),
      ValueError,
      /mean\[0\]=1n is not a finite number/,
    );
    refuses(() => encodeLabels('abc' as never), ValueError, /encodeLabels: values must be an array/);
    refuses(
      () => encodeLabels(['a'], { classes: 'a' } as never),
      ValueError,
      /classes must be an array of strings/,
    );
    refuses(
      () => oneHotEncode(['a'], { dtype: 'int32' } as never),
      DTypeError,
      /dtype must be 'float32' or 'float64'/,
    );
    // A hole reads as missing (it used to become class 0).
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expect(Array.from(encodeLabels(['a', , 'b'] as never).indices.data)).toEqual([0, -1, 1]);
    const many = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
    refuses(
      () => oneHotEncode(many),
      ValueError,
      /oneHotEncode: 10,000 values × 10,000 categories .* limit is 67,108,864/,
    );
  });
});

describe('dataset generators', () => {
  it('refuse bad sizes and huge requests up front, naming the option and the limit', () => {
    refuses(
      () => relatedTasks({ tasks: 0 }),
      ValueError,
      /relatedTasks: tasks must be a positive integer <= 1,024 — got 0/,
    );
    refuses(
      () => gradNormToy({ tasks: 4 }),
      ValueError,
      /tasks=4 needs its own sigmas .* pass sigmas: \[σ_0, …, σ_3\]/,
    );
    refuses(
      () => relatedTasks({ samples: 1e9 }),
      ValueError,
      /samples must be a positive integer <= 67,108,864 — got 1000000000/,
    );
    refuses(
      () => relatedTasks({ samples: 5e6 }),
      ValueError,
      /samples × features = 100,000,000 values is over the limit/,
    );
    refuses(() => gradNormToy({ samples: 1e6 }), ValueError, /samples × inputDim = 250,000,000 values/);
    refuses(
      () => gradNormToy({ samples: 100_000 }),
      ValueError,
      /multiply-adds is over the limit of 1,073,741,824/,
    );
    refuses(() => relatedTasks({ samples: '100' } as never), ValueError, /samples must be .* got "100"/);
    refuses(
      () => relatedTasks({ conflict: Symbol('c') } as never),
      ValueError,
      /conflict must be in \[0, 1\] — got Symbol/,
    );
    refuses(() => relatedTasks({ task: 3 } as never), ValueError, /unknown option "task"/);
    refuses(
      () => relatedTasks(null as never),
      ValueError,
      /options must be an object such as \{ .* \} — got null/,
    );
    refuses(() => gradNormToy({ sigmas: 'abc' } as never), ValueError, /sigmas must be an array/);
    refuses(
      () => gradNormToy({ sigmas: [1, 2n] } as never),
      ValueError,
      /sigmas\[1\] must be a finite number — got 2n/,
    );
  });
});

describe('architectures', () => {
  const tasks = { a: 2, b: 1 };

  it('an empty hidden list: HardSharing shares nothing, the others say what is needed', () => {
    const hs = HardSharing.mlp({ inputSize: 3, hidden: [], tasks });
    expect(hs.sharedParameters()).toEqual([]);
    expect(hs.forward(randn([2, 3])).a!.shape).toEqual([2, 2]);
    const need =
      /expertHidden must list at least 1 size — got an empty array \(the last size is the experts' output size/;
    refuses(() => MMoE.mlp({ inputSize: 3, expertHidden: [], numExperts: 2, tasks }), ValueError, need);
    refuses(
      () => CGC.mlp({ inputSize: 3, expertHidden: [], numSharedExperts: 1, numTaskExperts: 1, tasks }),
      ValueError,
      need,
    );
    refuses(
      () =>
        PLE.mlp({ inputSize: 3, expertHidden: [], numSharedExperts: 1, numTaskExperts: 1, levels: 2, tasks }),
      ValueError,
      need,
    );
    refuses(
      () => DSelectK.mlp({ inputSize: 3, expertHidden: [], numExperts: 2, k: 1, tasks }),
      ValueError,
      need,
    );
    refuses(
      () => CrossStitch.mlp({ inputSize: 3, hidden: [], tasks }),
      ValueError,
      /hidden must list at least 1 size .*a stitch follows each hidden layer/,
    );
  });

  it('refuse bad counts, sizes and names before building anything', () => {
    refuses(
      () => MMoE.mlp({ inputSize: 3, expertHidden: [4], numExperts: 0, tasks }),
      ValueError,
      /numExperts must be a positive integer <= 1,024 — got 0/,
    );
    refuses(
      () => MMoE.mlp({ inputSize: 3, expertHidden: [4], numExperts: 1e9, tasks }),
      ValueError,
      /numExperts/,
    );
    refuses(
      () => HardSharing.mlp({ inputSize: 3, hidden: [1e7], tasks }),
      ValueError,
      /hidden\[0\] must be a positive integer <= 65,536/,
    );
    refuses(
      () => HardSharing.mlp({ inputSize: 65_536, hidden: [65_536], tasks }),
      ValueError,
      /HardSharing.mlp: the model would have 4,295,\d{3},\d{3} parameters; the limit is 134,217,728/,
    );
    refuses(
      () => HardSharing.mlp({ inputSize: 3, hidden: [4], tasks: { 'a.b': 1 } }),
      ValueError,
      /task name "a.b" in tasks/,
    );
    refuses(
      () => HardSharing.mlp({ inputSize: 3, hidden: [4], tasks: {} }),
      ValueError,
      /tasks must name at least one task/,
    );
    refuses(
      () => HardSharing.mlp({ inputSize: 3, hidden: [4], tasks: { a: 0 } }),
      ValueError,
      /tasks\["a"\] must be a positive integer/,
    );
    refuses(
      () => HardSharing.mlp(null as never),
      ValueError,
      /HardSharing.mlp: options must be an object such as \{ .* \} — got null/,
    );
    refuses(
      () => HardSharing.mlp({ inputSize: 3, hidden: [4], tasks, activation: 'toString' as never }),
      ValueError,
      /activation must be one of/,
    );
    refuses(
      () => mlp([2, 3], { dtype: 'int32' }),
      DTypeError,
      /mlp: dtype must be 'float32' or 'float64' — got "int32"/,
    );
    refuses(
      () => new MMoE({ experts: [], gates: {}, towers: {} }),
      ValueError,
      /MMoE: needs at least one expert/,
    );
    refuses(
      () => new HardSharing({ encoder: null as never, heads: {} }),
      ValueError,
      /encoder must be a Module .* got null/,
    );
    refuses(
      () => new DSelectKGate(2, 2, { k: 1, gamma: Number.POSITIVE_INFINITY }),
      ValueError,
      /gamma must be a finite number > 0/,
    );
    refuses(
      () => new DSelectKGate(2, 2, undefined as never),
      ValueError,
      /options must be given, at least \{ k \}/,
    );
    refuses(
      () =>
        PLE.mlp({
          inputSize: 2,
          expertHidden: [2],
          numSharedExperts: 1,
          numTaskExperts: 0,
          levels: 0,
          tasks,
        }),
      ValueError,
      /levels must be a positive integer/,
    );
  });

  it('builders take task names like __proto__ and constructor', () => {
    const named = JSON.parse('{"__proto__": 2, "constructor": 1}') as Record<string, number>;
    for (const model of [
      HardSharing.mlp({ inputSize: 3, hidden: [4], tasks: named }),
      MMoE.mlp({ inputSize: 3, expertHidden: [4], numExperts: 2, tasks: named }),
      CGC.mlp({ inputSize: 3, expertHidden: [4], numSharedExperts: 1, numTaskExperts: 1, tasks: named }),
      PLE.mlp({
        inputSize: 3,
        expertHidden: [4],
        numSharedExperts: 1,
        numTaskExperts: 1,
        levels: 2,
        tasks: named,
      }),
      DSelectK.mlp({ inputSize: 3, expertHidden: [4], numExperts: 2, k: 1, tasks: named }),
      CrossStitch.mlp({ inputSize: 3, hidden: [4], tasks: named }),
    ]) {
      expect(model.tasks).toEqual(['__proto__', 'constructor']);
      const out = model.forward(randn([2, 3]));
      expect(Object.keys(out).sort(), model.constructor.name).toEqual(['__proto__', 'constructor']);
      expect(out[PROTO]!.shape).toEqual([2, 2]);
      expect(model.taskParameters('__proto__').length).toBeGreaterThan(0);
    }
  });

  it('every refusal is an MtlError', () => {
    expectTyped(() => new CrossStitch({ columns: { a: [] }, heads: {} } as never), MtlError);
  });
});
