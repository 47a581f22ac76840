import { grad, Parameter, sum, variable } from '@mtl/autograd';
import { Adam, SGD } from '@mtl/optim';
import { DTypeError, Generator, IndexError, MtlError, ShapeError, tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import {
  BatchNorm1d,
  Buffer,
  batchNorm,
  bceWithLogits,
  binaryCrossEntropy,
  cosineSimilarity,
  crossEntropy,
  Dropout,
  dropout,
  Embedding,
  GELU,
  huberLoss,
  init,
  klDiv,
  LayerNorm,
  Linear,
  l1Loss,
  layerNorm,
  MAX_LAYER_ELEMENTS,
  ModuleDict,
  ModuleList,
  mseLoss,
  nllLoss,
  ReLU,
  Sequential,
  Softplus,
  smoothL1Loss,
  writeFileAtomic,
} from '../src/index';

const model = () =>
  new Sequential(new Linear(2, 3, { generator: new Generator(1) }), new ReLU(), new Linear(3, 1));
const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });

describe('Module methods', () => {
  it('loadStateDict refuses values that are not tensors, naming the key', () => {
    expectTyped(
      () => model().loadStateDict({ '0.bias': [1, 2, 3] } as never),
      ValueError,
      /^loadStateDict: sd\["0.bias"\] must be a Tensor, got \[1, 2, 3\] \(wrap it: tensor\(\[...\]\)\)/,
    );
    expectTyped(
      () => model().loadStateDict({ '0.bias': variable([1, 2, 3]) } as never),
      ValueError,
      /sd\["0.bias"\] must be a Tensor, got a float32 Variable of shape \[3\] \(pass its .value\)/,
    );
  });

  it('loadStateDict refuses a missing or non-object state dict and bad options', () => {
    expectTyped(
      () => model().loadStateDict(null as never),
      ValueError,
      /^loadStateDict: sd must be an object .* got null/,
    );
    expectTyped(() => model().loadStateDict('w' as never), ValueError, /got "w"/);
    expectTyped(() => model().loadStateDict(new Map() as never), ValueError, /Object.fromEntries/);
    const sd = model().stateDict();
    expectTyped(
      () => model().loadStateDict(sd, null as never),
      ValueError,
      /^loadStateDict: options must be an object/,
    );
    expectTyped(
      () => model().loadStateDict(sd, { strict: 'no' } as never),
      ValueError,
      /strict must be true or false — got "no"/,
    );
  });

  it('loadStateDict reads only own keys (an inherited name is not a parameter)', () => {
    const m = model();
    const sd = Object.create({ '0.weight': tensor([[9, 9]]) }) as Record<string, unknown>;
    expectTyped(
      () => m.loadStateDict(sd as never),
      MtlError,
      /missing keys: 0.weight, 0.bias, 2.weight, 2.bias/,
    );
  });

  it('to() takes float dtypes only; train() a boolean', () => {
    expectTyped(
      () => model().to('float16' as never),
      DTypeError,
      /^to: dtype must be 'float32' or 'float64', got "float16" \(half/,
    );
    expectTyped(() => model().to('int32' as never), DTypeError, /^to: dtype must be 'float32' or 'float64'/);
    expectTyped(
      () => model().train('yes' as never),
      ValueError,
      /^train: mode must be true or false — got "yes"/,
    );
  });

  it('containers check what they hold', () => {
    expectTyped(
      () => new ModuleList([new ReLU(), 3] as never),
      ValueError,
      /^ModuleList: modules\[1\] must be a Module/,
    );
    expectTyped(() => new ModuleList(5 as never), ValueError, /^ModuleList: modules must be an array/);
    expectTyped(
      () => new Sequential(new ReLU(), null as never),
      ValueError,
      /^Sequential: modules\[1\] must be a Module .*got null/,
    );
    expectTyped(
      () => new ModuleDict({ a: 'relu' } as never),
      ValueError,
      /^ModuleDict: modules\["a"\] must be a Module/,
    );
    expectTyped(() => new ModuleDict(-3 as never), ValueError, /^ModuleDict: modules must be an object/);
    expectTyped(() => model().at(0.5), IndexError, /^ModuleList.at: index must be an integer — got 0.5/);
    expectTyped(() => new Buffer([1] as never), ValueError, /^Buffer: value must be a Tensor/);
  });
});

describe('layer constructors', () => {
  it('refuse bad sizes', () => {
    expectTyped(
      () => new Linear(-1, 2),
      ValueError,
      /^Linear: inFeatures must be a non-negative integer <= 2,147,483,647 — got -1/,
    );
    expectTyped(
      () => new Linear(2.5, 3),
      ValueError,
      /^Linear: inFeatures must be a non-negative integer <= 2,147,483,647 — got 2.5/,
    );
    expectTyped(() => new Linear(2, '3' as never), ValueError, /^Linear: outFeatures .* got "3"/);
    expectTyped(
      () => new Embedding(0, 2),
      ValueError,
      /^Embedding: numEmbeddings must be a positive integer <= 2,147,483,647 — got 0/,
    );
    expectTyped(
      () => new BatchNorm1d(Number.NaN),
      ValueError,
      /^BatchNorm1d: numFeatures must be a positive integer <= 2,147,483,647 — got NaN/,
    );
    expectTyped(() => new LayerNorm([2, -1]), ValueError, /^LayerNorm: normalizedShape must be/);
  });

  it('refuse sizes that would allocate gigabytes, with the limit', () => {
    expectTyped(
      () => new Linear(100_000, 100_000),
      ValueError,
      /^Linear: weight of shape \[100000,100000\] would hold 10000000000 elements, more than the limit of 268435456/,
    );
    expectTyped(
      () => new Linear(2 ** 31, 1),
      ValueError,
      /Linear: inFeatures must be a non-negative integer <= 2,147,483,647 — got 2147483648/,
    );
    expectTyped(
      () => new Embedding(2 ** 20, 2 ** 10),
      ValueError,
      /Embedding: weight .* more than the limit/,
    );
    expect(MAX_LAYER_ELEMENTS).toBe(2 ** 28);
  });

  it('refuse bad options', () => {
    expectTyped(() => new Linear(2, 3, null as never), ValueError, /^Linear: options must be an object/);
    expectTyped(
      () => new Linear(2, 3, { dtype: 'float16' as never }),
      DTypeError,
      /^Linear: dtype must be 'float32' or 'float64'/,
    );
    expectTyped(
      () => new Linear(2, 3, { bias: 0 as never }),
      ValueError,
      /^Linear: bias must be true or false — got 0/,
    );
    expectTyped(
      () => new Linear(2, 3, { activation: 'ReLU' as never }),
      ValueError,
      /^Linear: activation must be one of 'none', 'relu', 'gelu', 'silu', 'tanh', 'sigmoid' — got "ReLU"/,
    );
    expectTyped(
      () => new Linear(2, 3, { activaton: 'relu' } as never),
      ValueError,
      /^Linear: unknown option "activaton" \(known: bias, activation, dtype, generator\)/,
    );
    expectTyped(
      () => new Linear(2, 3, { generator: 42 as never }),
      ValueError,
      /^Linear: generator must be a Generator/,
    );
    expectTyped(
      () => new GELU({ approximate: 'fast' as never }),
      ValueError,
      /^GELU: approximate must be one of 'none', 'tanh'/,
    );
    expectTyped(() => new Dropout(1.5), ValueError, /^dropout: p must be a probability in \[0, 1\], got 1.5/);
    expectTyped(
      () => new BatchNorm1d(3, { momentum: 'x' as never }),
      ValueError,
      /^BatchNorm1d: momentum must be a finite number/,
    );
  });

  it('forwards name the layer', () => {
    expectTyped(
      () => new Linear(2, 3).forward(null as never),
      ValueError,
      /^Linear: x must be a Variable or a Tensor, got null/,
    );
    expectTyped(
      () => new Embedding(3, 2).forward([1] as never),
      ValueError,
      /^Embedding: indices must be a Tensor/,
    );
  });
});

describe('losses, functional forms and initialisers', () => {
  it('losses refuse bad reductions, options and targets', () => {
    const x = f64([1, 2]);
    expectTyped(
      () => mseLoss(x, x, { reduction: 'avg' as never }),
      ValueError,
      /^mseLoss: unknown reduction 'avg'/,
    );
    expectTyped(
      () => mseLoss(x, x, { reduction: Symbol('r') as never }),
      ValueError,
      /reduction Symbol\(r\)/,
    );
    expectTyped(() => mseLoss(x, x, 'sum' as never), ValueError, /^mseLoss: options must be an object/);
    expectTyped(
      () => mseLoss(x, null as never),
      ValueError,
      /^mseLoss: target must be a Variable or a Tensor, got null/,
    );
    const logits = tensor([[1, 2, 3]], { dtype: 'float64' });
    const y = tensor([1], { dtype: 'int32' });
    expectTyped(
      () => crossEntropy(logits, y, { weight: [1, 1, 1] as never }),
      ValueError,
      /^crossEntropy: weight must be a Tensor/,
    );
    expectTyped(
      () => crossEntropy(logits, y, { ignoreIndex: 'x' as never }),
      IndexError,
      /^crossEntropy: ignoreIndex must be an integer/,
    );
    expectTyped(
      () => nllLoss(logits, tensor([3], { dtype: 'int32' })),
      IndexError,
      /nllLoss: target 3 .* out of range for 3 classes/,
    );
  });

  it('functional forms check their options', () => {
    const x = f64([1, 2, 3, 4]).reshape([2, 2]);
    expectTyped(
      () => layerNorm(x, 'x' as never),
      ValueError,
      /^layerNorm: normalizedShape must be a positive integer/,
    );
    expectTyped(() => layerNorm(x, [2], null as never), ValueError, /^layerNorm: options must be an object/);
    expectTyped(
      () => batchNorm(x, [0, 0] as never, f64([1, 1])),
      ValueError,
      /^batchNorm: runningMean must be a Tensor/,
    );
    expectTyped(
      () => batchNorm(x, null, null, { training: 1 } as never),
      ValueError,
      /^batchNorm: training must be true or false/,
    );
    expectTyped(
      () => dropout(x, { generator: {} } as never),
      ValueError,
      /^dropout: generator must be a Generator/,
    );
  });

  it('initialisers check the tensor and the options', () => {
    expectTyped(() => init.uniform(null as never), ValueError, /^uniform: t must be a Tensor, got null/);
    expectTyped(() => init.xavierUniform([1, 2] as never), ValueError, /^xavierUniform: t must be a Tensor/);
    expectTyped(
      () => init.normal(tensor([1, 2]), { std: Number.NaN }),
      ValueError,
      /^normal: std must be a finite number — got NaN/,
    );
    expectTyped(
      () => init.uniform(tensor([1, 2]), { low: 2, high: 1 }),
      ValueError,
      /^uniform: low must be <= high/,
    );
    expectTyped(
      () => init.constant(tensor([1, 2]), '7' as never),
      ValueError,
      /^constant: value must be a number, got "7"/,
    );
    expectTyped(
      () => init.kaimingUniform(tensor([[1]]), { mode: 'fanAvg' as never }),
      ValueError,
      /^kaimingUniform: mode must be one of 'fanIn', 'fanOut'/,
    );
    expectTyped(
      () => init.kaimingNormal(tensor([[1]]), { nonlinearity: 1n as never }),
      ValueError,
      /^kaimingNormal: unknown nonlinearity 1n/,
    );
    expectTyped(
      () => init.ones(tensor([1], { dtype: 'int32' })),
      DTypeError,
      /^ones: can only fill float tensors, got dtype int32/,
    );
    // Zero-element tensors are left as they are, as in PyTorch.
    expect(init.kaimingUniform(tensor(new Float32Array(0), { shape: [3, 0] })).size).toBe(0);
    expect(new Linear(0, 2).weight.shape).toEqual([2, 0]);
  });
});

describe('aliasing: an optimizer step never changes the tensor a Parameter was made from', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, make] of [
      ['SGD', (ps: Parameter[]) => new SGD(ps, { lr: 0.1 })],
      ['Adam', (ps: Parameter[]) => new Adam(ps, { lr: 0.1 })],
    ] as const) {
      it(`${name}, ${dtype}`, () => {
        const w0 = tensor([1, -2, 3], { dtype });
        const before = w0.toArray();
        const p = new Parameter(w0);
        const optimizer = make([p]);
        p.grad = grad(sum(p.mul(p)), p)[0]!;
        optimizer.step();
        expect(w0.toArray()).toEqual(before);
        expect(p.value.toArray()).not.toEqual(before);
        expect(p.value.dtype).toBe(dtype);
      });
    }
  }

  it('a layer trained from loaded weights leaves the state dict it loaded intact', () => {
    const source = model().to('float64');
    const snapshot = Object.fromEntries(Object.entries(source.stateDict()).map(([k, v]) => [k, v.clone()]));
    const target = model().to('float64');
    target.loadStateDict(snapshot);
    const optimizer = new SGD(target.parameters(), { lr: 0.5 });
    mseLoss(target.forward(f64([1, 2]).reshape([1, 2])), f64([3]).reshape([1, 1])).backward();
    optimizer.step();
    for (const [k, v] of Object.entries(source.stateDict()))
      expect(snapshot[k]!.toArray()).toEqual(v.toArray());
  });
});

it('ShapeError is still what a shape mismatch gives', () => {
  expectTyped(
    () => model().loadStateDict({ ...model().stateDict(), '0.bias': tensor([1, 2]) }),
    ShapeError,
    /0.bias: \[2\]/,
  );
});

describe('a misspelt or unknown option is a ValueError naming it (it used to be ignored)', () => {
  const t = () =>
    tensor([
      [0.5, -1],
      [2, 0.25],
    ]);
  const p = () =>
    tensor([
      [0.2, 0.7],
      [0.9, 0.4],
    ]);
  const labels = () => tensor([1, 0], { dtype: 'int32' });
  const w = () =>
    tensor([
      [0, 0],
      [0, 0],
    ]);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'Linear bais',
      () => new Linear(2, 2, { bais: false } as never),
      /^Linear: unknown option "bais" \(known: bias, activation, dtype, generator\)/,
    ],
    [
      'LayerNorm elementWiseAffine',
      () => new LayerNorm([2], { elementWiseAffine: false } as never),
      /^LayerNorm: unknown option "elementWiseAffine" \(known: eps, elementwiseAffine, dtype\)/,
    ],
    [
      'BatchNorm1d track_running_stats',
      () => new BatchNorm1d(2, { track_running_stats: false } as never),
      /^BatchNorm1d: unknown option "track_running_stats" \(known: eps, momentum, affine, trackRunningStats, dtype\)/,
    ],
    [
      'Embedding paddingIdx',
      () => new Embedding(3, 2, { paddingIdx: 0 } as never),
      /^Embedding: unknown option "paddingIdx" \(known: dtype, generator\)/,
    ],
    [
      'Dropout p as an option',
      () => new Dropout(0.5, { p: 0.2 } as never),
      /^Dropout: unknown option "p" \(known: generator\)/,
    ],
    [
      'GELU approximation',
      () => new GELU({ approximation: 'tanh' } as never),
      /^GELU: unknown option "approximation" \(known: approximate\)/,
    ],
    [
      'Softplus Beta',
      () => new Softplus({ Beta: 2 } as never),
      /^Softplus: unknown option "Beta" \(known: beta, threshold\)/,
    ],
    [
      'Buffer persistent',
      () => new Buffer(t(), { persistent: false } as never),
      /^Buffer: unknown option "persistent" \(known: name\)/,
    ],
    [
      'loadStateDict Strict',
      () => new Linear(2, 2).loadStateDict({}, { Strict: false } as never),
      /^loadStateDict: unknown option "Strict" \(known: strict\)/,
    ],
    [
      'mseLoss reduce',
      () => mseLoss(t(), t(), { reduce: 'sum' } as never),
      /^mseLoss: unknown option "reduce" \(known: reduction\)/,
    ],
    [
      'l1Loss size_average',
      () => l1Loss(t(), t(), { size_average: true } as never),
      /^l1Loss: unknown option "size_average" \(known: reduction\)/,
    ],
    [
      'crossEntropy ignore_index',
      () => crossEntropy(t(), labels(), { ignore_index: 0 } as never),
      /^crossEntropy: unknown option "ignore_index" \(known: reduction, weight, ignoreIndex, labelSmoothing\)/,
    ],
    [
      'nllLoss labelSmoothing (crossEntropy only)',
      () => nllLoss(t(), labels(), { labelSmoothing: 0.1 } as never),
      /^nllLoss: unknown option "labelSmoothing" \(known: reduction, weight, ignoreIndex\)/,
    ],
    [
      'bceWithLogits pos_weight',
      () => bceWithLogits(t(), p(), { pos_weight: p() } as never),
      /^bceWithLogits: unknown option "pos_weight" \(known: reduction, weight, posWeight\)/,
    ],
    [
      'binaryCrossEntropy posWeight (bceWithLogits only)',
      () => binaryCrossEntropy(p(), p(), { posWeight: p() } as never),
      /^binaryCrossEntropy: unknown option "posWeight" \(known: reduction, weight\)/,
    ],
    [
      'huberLoss beta',
      () => huberLoss(t(), t(), { beta: 2 } as never),
      /^huberLoss: unknown option "beta" \(known: reduction, delta\)/,
    ],
    [
      'smoothL1Loss delta',
      () => smoothL1Loss(t(), t(), { delta: 2 } as never),
      /^smoothL1Loss: unknown option "delta" \(known: reduction, beta\)/,
    ],
    [
      'klDiv log_target',
      () => klDiv(t(), p(), { log_target: true } as never),
      /^klDiv: unknown option "log_target" \(known: reduction, logTarget\)/,
    ],
    [
      'cosineSimilarity axis',
      () => cosineSimilarity(t(), t(), { axis: 0 } as never),
      /^cosineSimilarity: unknown option "axis" \(known: dim, eps\)/,
    ],
    [
      'layerNorm epsilon',
      () => layerNorm(t(), [2], { epsilon: 1e-5 } as never),
      /^layerNorm: unknown option "epsilon" \(known: weight, bias, eps\)/,
    ],
    [
      'batchNorm train',
      () => batchNorm(t(), null, null, { train: true } as never),
      /^batchNorm: unknown option "train" \(known: weight, bias, training, momentum, eps\)/,
    ],
    [
      'dropout prob',
      () => dropout(t(), { prob: 0.1 } as never),
      /^dropout: unknown option "prob" \(known: p, training, generator\)/,
    ],
    [
      'init.uniform lo',
      () => init.uniform(w(), { lo: -1 } as never),
      /^uniform: unknown option "lo" \(known: low, high, generator\)/,
    ],
    [
      'init.normal mu',
      () => init.normal(w(), { mu: 1 } as never),
      /^normal: unknown option "mu" \(known: mean, std, generator\)/,
    ],
    [
      'init.xavierUniform Gain',
      () => init.xavierUniform(w(), { Gain: 2 } as never),
      /^xavierUniform: unknown option "Gain" \(known: gain, generator\)/,
    ],
    [
      'init.xavierNormal seed',
      () => init.xavierNormal(w(), { seed: 1 } as never),
      /^xavierNormal: unknown option "seed"/,
    ],
    [
      'init.orthogonal a',
      () => init.orthogonal(w(), { a: 1 } as never),
      /^orthogonal: unknown option "a" \(known: gain, generator\)/,
    ],
    [
      'init.kaimingUniform nonLinearity',
      () => init.kaimingUniform(w(), { nonLinearity: 'relu' } as never),
      /^kaimingUniform: unknown option "nonLinearity" \(known: a, mode, nonlinearity, generator\)/,
    ],
    [
      'init.kaimingNormal fan',
      () => init.kaimingNormal(w(), { fan: 'fanOut' } as never),
      /^kaimingNormal: unknown option "fan"/,
    ],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expectTyped(call, ValueError, message);
  });

  it('writeFileAtomic refuses an unknown option before touching the disk', async () => {
    const error = await writeFileAtomic('/nonexistent-folder/x.bin', 'x', { mode: 0o600 } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toMatch(/^writeFileAtomic: unknown option "mode" \(known: op\)/);
  });

  it('options must be a plain object: a Map or a class instance is refused', () => {
    class Options {
      bias = false;
    }
    expectTyped(
      () => new Linear(2, 2, new Options()),
      ValueError,
      /^Linear: options must be an object such as \{ bias, activation, dtype, generator \}/,
    );
    expectTyped(
      () => mseLoss(t(), t(), new Map() as never),
      ValueError,
      /^mseLoss: options must be an object/,
    );
  });

  it('known options still work, and undefined values are allowed', () => {
    expect(new Linear(2, 3, { bias: false, dtype: 'float64', generator: undefined }).bias).toBeNull();
    expect(mseLoss(t(), t(), { reduction: 'sum' }).value.item()).toBe(0);
    expect(new LayerNorm(2, { elementwiseAffine: false }).weight).toBeNull();
    expect(init.uniform(w(), Object.create(null)).shape).toEqual([2, 2]);
  });
});
