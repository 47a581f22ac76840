/**
 * The convolutional layers against PyTorch 1.13 (fixtures from `tools/reference/nn_conv.py`):
 * each layer loads the torch module's state dict strictly (same names), and reproduces its
 * output, the gradients of sum(out·R) with respect to the input and every parameter, and
 * BatchNorm2d's running statistics (float64 to 1e-10, float32 to 1e-5). Then a torch CNN saved as
 * safetensors, loaded into the equivalent Sequential; initialisation; train/eval behaviour;
 * Dropout2d; and the exact messages of bad arguments and inputs.
 */
import { readFileSync } from 'node:fs';
import { grad, mul, sum, type Variable, variable } from '@mtl/autograd';
import { Adam } from '@mtl/optim';
import {
  type DType,
  DTypeError,
  Generator,
  IndexError,
  ones,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { compareTensor, type FixtureTensor, fixtureArray } from '../../../tools/testing/fixtureTensors';
import {
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Dropout2d,
  dropout2d,
  Flatten,
  GroupNorm,
  groupNorm,
  Linear,
  loadSafetensors,
  MaxPool1d,
  MaxPool2d,
  type Module,
  mseLoss,
  ReLU,
  Sequential,
  Upsample,
} from '../src/index';

// --- fixtures (the format is documented in tools/reference/nn_conv.py) ---

const TOLERANCES = { float64: { rtol: 1e-10, atol: 1e-10 }, float32: { rtol: 1e-5, atol: 1e-5 } };

const decode = (t: FixtureTensor): Tensor => tensor(fixtureArray(t), { dtype: t.dtype, shape: [...t.shape] });

function expectClose(got: Tensor, want: FixtureTensor, label: string): void {
  const problem = compareTensor(got, want, label, TOLERANCES);
  if (problem !== null) throw new Error(problem);
}

interface LayerCall {
  training: boolean;
  input: FixtureTensor;
  R: FixtureTensor;
  out: FixtureTensor;
  indices?: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  buffers?: Record<string, FixtureTensor>;
}

interface LayerCase {
  name: string;
  layer: string;
  args: unknown[];
  options?: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  stateDict: Record<string, FixtureTensor>;
  calls: LayerCall[];
}

type SingleInput = Module & { forward(x: Variable): Variable | [Variable, Tensor] };
type Build = (args: [never, never, never], options: Record<string, unknown>, dtype: DType) => SingleInput;

/** Our constructor for each torch layer; layers with parameters also take the case's dtype. */
const LAYERS: Record<string, Build> = {
  Conv1d: ([i, o, k], opts, dtype) => new Conv1d(i, o, k, { ...opts, dtype }),
  Conv2d: ([i, o, k], opts, dtype) => new Conv2d(i, o, k, { ...opts, dtype }),
  MaxPool1d: ([k], opts) => new MaxPool1d(k, opts),
  MaxPool2d: ([k], opts) => new MaxPool2d(k, opts),
  AvgPool1d: ([k], opts) => new AvgPool1d(k, opts),
  AvgPool2d: ([k], opts) => new AvgPool2d(k, opts),
  AdaptiveAvgPool2d: ([size]) => new AdaptiveAvgPool2d(size),
  BatchNorm2d: ([c], opts, dtype) => new BatchNorm2d(c, { ...opts, dtype }),
  GroupNorm: ([g, c], opts, dtype) => new GroupNorm(g, c, { ...opts, dtype }),
  Flatten: ([start, end]) => new Flatten(start, end),
  Upsample: (_, opts) => new Upsample(opts),
};

const fixture = JSON.parse(readFileSync(new URL('./fixtures/conv_layers.json', import.meta.url), 'utf8')) as {
  cases: LayerCase[];
};

/** Runs one call on `layer` and checks the output, the indices and every gradient. */
function replayCall(layer: SingleInput, call: LayerCall, label: string): void {
  layer.train(call.training);
  const x = variable(decode(call.input), { requiresGrad: true });
  const result = layer.forward(x);
  const [out, indices] = Array.isArray(result) ? result : [result, undefined];
  expectClose(out.value, call.out, `${label}: out`);
  expect(indices === undefined, `${label}: indices returned`).toBe(call.indices === undefined);
  if (call.indices !== undefined) expectClose(indices!, call.indices, `${label}: indices`);
  const named = [...layer.namedParameters()];
  const grads = grad(sum(mul(out, decode(call.R))), [x, ...named.map(([, p]) => p)]);
  const names = ['input', ...named.map(([n]) => n)];
  expect(names.sort()).toEqual(Object.keys(call.grads).sort());
  grads.forEach((g, i) => {
    const name = i === 0 ? 'input' : named[i - 1]![0];
    expectClose(g, call.grads[name]!, `${label}: grads.${name}`);
  });
  for (const [name, want] of Object.entries(call.buffers ?? {})) {
    expectClose(layer.stateDict()[name]!, want, `${label}: ${name}`);
  }
}

describe('convolutional layers against PyTorch', () => {
  it('covers every layer in both dtypes', () => {
    const layers = new Set(fixture.cases.map((c) => c.layer));
    expect([...layers].sort()).toEqual(Object.keys(LAYERS).sort());
    expect(fixture.cases.filter((c) => c.dtype === 'float32').length).toBe(fixture.cases.length / 2);
  });

  it.each(fixture.cases.map((c): [string, LayerCase] => [c.name, c]))('%s', (_name, c) => {
    const layer = LAYERS[c.layer]!(c.args as [never, never, never], c.options ?? {}, c.dtype);
    // The state-dict names are torch's, in torch's order; the torch state dict loads strictly.
    expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.stateDict));
    layer.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, decode(v)])));
    c.calls.forEach((call, i) => {
      replayCall(layer, call, `call ${i} (${call.training ? 'train' : 'eval'})`);
    });
  });
});

// --- the torch CNN, as safetensors ---

interface CnnCall {
  training: boolean;
  R: FixtureTensor;
  out: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  buffers?: Record<string, FixtureTensor>;
}

const cnnDoc = JSON.parse(
  readFileSync(new URL('./fixtures/safetensors/torch-cnn.json', import.meta.url), 'utf8'),
) as { file: string; modules: string[]; input: FixtureTensor; eval: CnnCall; train: CnnCall };

/** Our equivalent of the torch model in tools/reference/nn_conv.py. */
function cnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(4, 6, 3, { groups: 2 }),
    new GroupNorm(2, 6),
    new ReLU(),
    new AdaptiveAvgPool2d(2),
    new Flatten(),
    new Linear(24, 3),
  );
}

describe('a torch CNN saved as safetensors', () => {
  const bytes = new Uint8Array(
    readFileSync(new URL(`./fixtures/safetensors/${cnnDoc.file}`, import.meta.url)),
  );

  it('loads strictly into the equivalent Sequential, buffers included', () => {
    const loaded = loadSafetensors(bytes);
    const model = cnn();
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(model.stateDict()).sort());
    expect(Object.keys(model.stateDict())).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '4.weight',
      '4.bias',
      '5.weight',
      '5.bias',
      '9.weight',
      '9.bias',
    ]);
    model.loadStateDict(loaded);
    expect(model.stateDict()['1.num_batches_tracked']!.item()).toBe(2);
    expect(model.stateDict()['4.weight']!.shape).toEqual([6, 2, 3, 3]);
    expect(model.numParameters()).toBe(4 * 9 + 4 + 8 + 6 * 2 * 9 + 6 + 12 + 24 * 3 + 3);
  });

  for (const mode of ['eval', 'train'] as const) {
    it(`reproduces torch's output, gradients${mode === 'train' ? ' and running statistics' : ''} in ${mode} mode`, () => {
      const model = cnn();
      model.loadStateDict(loadSafetensors(bytes));
      const call = cnnDoc[mode];
      model.train(call.training);
      const x = variable(decode(cnnDoc.input), { requiresGrad: true });
      const out = model.forward(x);
      expectClose(out.value, call.out, 'out');
      const named = [...model.namedParameters()];
      const grads = grad(sum(mul(out, decode(call.R))), [x, ...named.map(([, p]) => p)]);
      expect(['input', ...named.map(([n]) => n)].sort()).toEqual(Object.keys(call.grads).sort());
      grads.forEach((g, i) => {
        const name = i === 0 ? 'input' : named[i - 1]![0];
        expectClose(g, call.grads[name]!, `grads.${name}`);
      });
      for (const [name, want] of Object.entries(call.buffers ?? {})) {
        expectClose(model.stateDict()[name]!, want, name);
      }
      if (mode === 'eval') expect(model.stateDict()['1.num_batches_tracked']!.item()).toBe(2);
    });
  }

  it('trains: the loss on a fixed batch goes down under Adam', () => {
    const g = new Generator(11);
    const model = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1, generator: g }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 6, 3, { groups: 2, generator: g }),
      new GroupNorm(2, 6),
      new ReLU(),
      new AdaptiveAvgPool2d(2),
      new Flatten(),
      new Linear(24, 1, { generator: g }),
    );
    const x = randn([16, 1, 8, 8], { generator: g });
    const y = x.mean([1, 2, 3]).reshape([16, 1]).mul(4);
    const optimizer = new Adam(model.parameters(), { lr: 0.02 });
    const loss = () => mseLoss(model.forward(x), y);
    const first = loss().item();
    for (let step = 0; step < 40; step++) {
      optimizer.zeroGrad();
      loss().backward();
      optimizer.step();
    }
    expect(loss().item()).toBeLessThan(first / 4);
  });
});

// --- initialisation ---

describe('initialisation, as torch', () => {
  it('draws Conv weights and biases from U(−1/√fanIn, 1/√fanIn), fanIn = in/groups·∏kernel', () => {
    const cases: [Conv1d | Conv2d, number][] = [
      [new Conv2d(16, 32, 5, { generator: new Generator(1) }), 16 * 25],
      [new Conv2d(16, 32, [3, 5], { groups: 4, generator: new Generator(2) }), 4 * 15],
      [new Conv1d(8, 64, 7, { groups: 8, generator: new Generator(3) }), 7],
    ];
    for (const [conv, fanIn] of cases) {
      const bound = 1 / Math.sqrt(fanIn);
      for (const p of [conv.weight.value, conv.bias!.value]) {
        const values = Array.from(p.data);
        expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
        if (values.length > 1000) {
          // U(−b, b): mean 0, variance b²/3, and draws reach close to ±b.
          const mean = values.reduce((a, v) => a + v, 0) / values.length;
          const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
          expect(Math.abs(mean)).toBeLessThan(0.03 * bound);
          expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.95);
          expect(variance / ((bound * bound) / 3)).toBeLessThan(1.05);
          expect(Math.max(...values)).toBeGreaterThan(0.99 * bound);
          expect(Math.min(...values)).toBeLessThan(-0.99 * bound);
        }
      }
    }
  });

  it('has torch’s shapes, dtypes and names, and is seeded', () => {
    const conv = new Conv2d(4, 6, [3, 2], { groups: 2, dtype: 'float64', generator: new Generator(5) });
    expect(conv.weight.value.shape).toEqual([6, 2, 3, 2]);
    expect(conv.weight.value.dtype).toBe('float64');
    expect(conv.bias!.value.shape).toEqual([6]);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(Object.keys(new Conv1d(2, 3, 3, { bias: false }).stateDict())).toEqual(['weight']);
    const again = new Conv2d(4, 6, [3, 2], { groups: 2, dtype: 'float64', generator: new Generator(5) });
    expect(Array.from(again.weight.value.data)).toEqual(Array.from(conv.weight.value.data));
    expect(Array.from(again.bias!.value.data)).toEqual(Array.from(conv.bias!.value.data));
    expect(conv.kernelSize).toEqual([3, 2]);
    expect(conv.stride).toEqual([1, 1]);
    expect(conv.padding).toEqual([0, 0]);
    expect(new Conv2d(1, 1, 3, { padding: 'same' }).padding).toBe('same');
  });

  it('starts GroupNorm and BatchNorm2d at weight 1, bias 0 (running statistics 0 and 1)', () => {
    const gn = new GroupNorm(2, 4, { dtype: 'float64' });
    expect(Object.keys(gn.stateDict())).toEqual(['weight', 'bias']);
    expect(Array.from(gn.weight!.value.data)).toEqual([1, 1, 1, 1]);
    expect(Array.from(gn.bias!.value.data)).toEqual([0, 0, 0, 0]);
    expect(new GroupNorm(2, 4, { affine: false }).parameters()).toEqual([]);
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(Array.from(bn.runningVar!.value.data)).toEqual([1, 1, 1]);
  });

  it('gives parameter-free layers no state', () => {
    for (const m of [
      new MaxPool2d(2),
      new AvgPool1d(2),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Upsample({ scaleFactor: 2 }),
      new Dropout2d(),
    ]) {
      expect(m.stateDict()).toEqual({});
    }
  });
});

// --- train/eval behaviour ---

describe('train and eval', () => {
  it('BatchNorm2d normalises each channel over N, H, W in training and uses the running statistics in eval', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    const x = randn([4, 2, 3, 3], { dtype: 'float64', generator: new Generator(3) })
      .mul(3)
      .add(2);
    const y = bn.forward(x).value;
    const mean = y.mean([0, 2, 3]);
    const variance = y.variance([0, 2, 3], { unbiased: false });
    for (let c = 0; c < 2; c++) {
      expect(Math.abs(mean.data[c]!)).toBeLessThan(1e-12);
      expect(variance.data[c]!).toBeCloseTo(1, 3);
    }
    expect(bn.stateDict().num_batches_tracked!.item()).toBe(1);
    bn.eval();
    const running = bn.stateDict();
    const z = bn.forward(x).value;
    const view = [1, 2, 1, 1];
    const expected = x
      .sub(running.running_mean!.reshape(view))
      .div(running.running_var!.add(1e-5).sqrt().reshape(view));
    z.data.forEach((v, i) => {
      expect(v).toBeCloseTo(expected.data[i]!, 12);
    });
    expect(bn.stateDict().num_batches_tracked!.item()).toBe(1);
  });

  it('GroupNorm computes the same in training and eval', () => {
    const gn = new GroupNorm(3, 6);
    const x = randn([2, 6, 4], { generator: new Generator(4) });
    const a = gn.forward(x).value;
    gn.eval();
    expect(Array.from(gn.forward(x).value.data)).toEqual(Array.from(a.data));
  });

  it('groupNorm with one group per channel is instance normalisation', () => {
    const x = randn([2, 3, 5], { dtype: 'float64', generator: new Generator(6) });
    const y = groupNorm(x, 3, { eps: 0 }).value;
    const mean = y.mean(2);
    const variance = y.variance(2, { unbiased: false });
    mean.data.forEach((m) => {
      expect(Math.abs(m)).toBeLessThan(1e-12);
    });
    variance.data.forEach((v) => {
      expect(v).toBeCloseTo(1, 12);
    });
  });
});

// --- Dropout2d ---

describe('Dropout2d', () => {
  const x = randn([32, 32, 3, 4], { generator: new Generator(8) });

  it('zeroes whole channels with probability p and scales the rest by 1/(1−p)', () => {
    const p = 0.3;
    const y = new Dropout2d(p, { generator: new Generator(9) }).forward(x).value;
    let dropped = 0;
    for (let plane = 0; plane < 32 * 32; plane++) {
      const ys = Array.from(y.data.subarray(plane * 12, plane * 12 + 12));
      const xs = Array.from(x.data.subarray(plane * 12, plane * 12 + 12));
      if (ys.every((v) => v === 0)) {
        dropped++;
      } else {
        ys.forEach((v, i) => {
          expect(v).toBeCloseTo(xs[i]! / (1 - p), 5);
        });
      }
    }
    // 1024 channels: the dropped fraction is 0.3 ± 0.014 (one standard deviation).
    expect(dropped / 1024).toBeGreaterThan(0.25);
    expect(dropped / 1024).toBeLessThan(0.35);
  });

  it('masks the gradient alike, is seeded, and is the identity in eval, at p = 0 and with training: false', () => {
    const v = variable(x, { requiresGrad: true });
    const layer = new Dropout2d(0.5, { generator: new Generator(10) });
    const y = layer.forward(v);
    const [g] = grad(sum(y), [v]);
    y.value.data.forEach((value, i) => {
      expect(g!.data[i]).toBe(value === 0 ? 0 : 2);
    });
    const again = new Dropout2d(0.5, { generator: new Generator(10) }).forward(x).value;
    expect(Array.from(again.data)).toEqual(Array.from(y.value.data));
    layer.eval();
    expect(layer.forward(v)).toBe(v);
    expect(dropout2d(v, { p: 0 })).toBe(v);
    expect(dropout2d(v, { training: false })).toBe(v);
    expect(Array.from(dropout2d(x, { p: 1 }).value.data).every((value) => value === 0)).toBe(true);
  });
});

// --- types ---

describe('MaxPool returnIndices', () => {
  it('returns [values, indices] when asked, and fits a Sequential otherwise', () => {
    const x = tensor([1, 5, 2, 4, 3, 0, 7, 6], { shape: [1, 1, 2, 4] });
    const [values, indices] = new MaxPool2d(2, { returnIndices: true }).forward(x);
    expect(Array.from(values.value.data)).toEqual([5, 7]);
    expect(indices.dtype).toBe('int32');
    expect(Array.from(indices.data)).toEqual([1, 6]);
    const y: Variable = new Sequential(new MaxPool2d(2), new Flatten()).forward(x);
    expect(y.shape).toEqual([1, 2]);
  });
});

// --- bad arguments and inputs ---

/** `fn` throws `type` with exactly `message`. */
function expectMessage(fn: () => unknown, type: new (...args: never[]) => Error, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(type);
  expect((caught as Error).message).toBe(message);
}

describe('bad arguments', () => {
  it('Conv layers name the argument, what they got, and the fix', () => {
    expectMessage(
      () => new Conv2d(3, 8, 3, { groups: 2 }),
      ValueError,
      'Conv2d: inChannels and outChannels must both be divisible by groups — inChannels=3, outChannels=8, groups=2',
    );
    expectMessage(
      () => new Conv1d(4, 6, 3, { groups: 4 }),
      ValueError,
      'Conv1d: inChannels and outChannels must both be divisible by groups — inChannels=4, outChannels=6, groups=4',
    );
    expectMessage(
      () => new Conv2d(3, 8, 3, { padding: 'same', stride: 2 }),
      ValueError,
      "Conv2d: padding 'same' needs stride 1, got stride=2 (give the padding as numbers for a strided convolution)",
    );
    expectMessage(
      () => new Conv2d(3, 8, 3, { padding: 'full' as never }),
      ValueError,
      `Conv2d: padding must be 'same', 'valid', a non-negative integer or a pair [h, w] — got "full"`,
    );
    expectMessage(
      () => new Conv2d(3, 8, [3, 3, 3] as never),
      ValueError,
      'Conv2d: kernelSize must be a positive integer or a pair of them [h, w] — got [3, 3, 3]',
    );
    expectMessage(
      () => new Conv1d(2, 4, 3, { stride: 0 }),
      ValueError,
      'Conv1d: stride must be a positive integer or [n] — got 0',
    );
    expectMessage(
      () => new Conv2d(2, 4, 3, { padding: -1 }),
      ValueError,
      'Conv2d: padding must be a non-negative integer or a pair of them [h, w] — got -1',
    );
    expectMessage(
      () => new Conv2d(0, 8, 3),
      ValueError,
      'Conv2d: inChannels must be a positive integer <= 2,147,483,647 — got 0',
    );
    expectMessage(
      () => new Conv2d(3, 8, 3, { groups: 0 }),
      ValueError,
      'Conv2d: groups must be a positive integer <= 2,147,483,647 — got 0',
    );
    expectMessage(
      () => new Conv2d(3, 8, 3, { paddingMode: 'reflect' } as never),
      ValueError,
      'Conv2d: unknown option "paddingMode" (known: stride, padding, dilation, groups, bias, dtype, generator)',
    );
  });

  it('pools, norms, Upsample and Flatten check theirs at construction', () => {
    expectMessage(
      () => new MaxPool2d(3, { padding: 2 }),
      ValueError,
      'MaxPool2d: padding must be at most half of kernelSize — padding=2, kernelSize=3 (use a smaller padding or a larger kernel)',
    );
    expectMessage(
      () => new AvgPool2d([4, 2], { padding: [2, 2] }),
      ValueError,
      'AvgPool2d: padding must be at most half of kernelSize — padding=2, kernelSize=[4,2] (use a smaller padding or a larger kernel)',
    );
    expectMessage(
      () => new AvgPool2d(2, { divisorOverride: 0 }),
      ValueError,
      'AvgPool2d: divisorOverride must be a positive integer <= 2,147,483,647 — got 0',
    );
    expectMessage(
      () => new AvgPool1d(2, { divisorOverride: 2 } as never),
      ValueError,
      'AvgPool1d: unknown option "divisorOverride" (known: stride, padding, ceilMode, countIncludePad)',
    );
    expectMessage(
      () => new AdaptiveAvgPool2d([2] as never),
      ValueError,
      "AdaptiveAvgPool2d: outputSize must be a non-negative integer or a pair [h, w] of them (null keeps the input's size) — got [2]",
    );
    expectMessage(
      () => new GroupNorm(4, 6),
      ValueError,
      'GroupNorm: numChannels must be divisible by numGroups — numChannels=6, numGroups=4',
    );
    expectMessage(
      () => new BatchNorm2d(3, { momentum: Number.NaN }),
      ValueError,
      'BatchNorm2d: momentum must be a finite number — got NaN',
    );
    expectMessage(
      () => new Dropout2d(1.5),
      ValueError,
      'Dropout2d: p must be a probability in [0, 1], got 1.5',
    );
    expectMessage(
      () => new Upsample({}),
      ValueError,
      'Upsample: give exactly one of size and scaleFactor — got neither',
    );
    expectMessage(
      () => new Upsample({ size: 4, scaleFactor: 2 }),
      ValueError,
      'Upsample: give exactly one of size and scaleFactor — got both',
    );
    expectMessage(
      () => new Upsample({ scaleFactor: 2, alignCorners: false }),
      ValueError,
      "Upsample: alignCorners can only be set with mode 'linear' or 'bilinear', not 'nearest'",
    );
    expectMessage(
      () => new Upsample({ scaleFactor: 2, mode: 'bicubic' as never }),
      ValueError,
      `Upsample: mode must be one of 'nearest', 'linear', 'bilinear' — got "bicubic"`,
    );
    expectMessage(
      () => new Upsample({ scaleFactor: [2, 2], mode: 'linear' }),
      ValueError,
      'Upsample: scaleFactor must be a positive number or [n] — got [2, 2]',
    );
    expectMessage(
      () => new Upsample({ size: [0, 3] }),
      ValueError,
      'Upsample: size must be a positive integer or a list of one per spatial dim — got [0, 3]',
    );
    expectMessage(() => new Flatten(1.5), IndexError, 'Flatten: startDim must be an integer — got 1.5');
  });
});

describe('bad inputs', () => {
  const conv = new Conv2d(3, 8, 3);

  it('Conv layers say how many channels they expect and which dims they read', () => {
    expectMessage(
      () => conv.forward(randn([2, 4, 5, 5])),
      ShapeError,
      'Conv2d(3, 8, 3): expects 3 input channels, got x.shape=[2,4,5,5] ' +
        '(the channels are dim 1 of [N, C, H, W], dim 0 of [C, H, W])',
    );
    expectMessage(
      () => new Conv2d(4, 6, [3, 2], { groups: 2 }).forward(randn([6, 5, 5])),
      ShapeError,
      'Conv2d(4, 6, [3,2], groups=2): expects 4 input channels, got x.shape=[6,5,5] ' +
        '(the channels are dim 1 of [N, C, H, W], dim 0 of [C, H, W])',
    );
    expectMessage(
      () => conv.forward(randn([3, 5])),
      ShapeError,
      'Conv2d: expected a 3-d [C, H, W] or 4-d [N, C, H, W] input, got x.shape=[3,5]',
    );
    expectMessage(
      () => new Conv1d(3, 8, 3).forward(randn([1, 3, 5, 5])),
      ShapeError,
      'Conv1d: expected a 2-d [C, L] or 3-d [N, C, L] input, got x.shape=[1,3,5,5]',
    );
    expectMessage(
      () => conv.forward(randn([1, 3, 5, 5], { dtype: 'float64' })),
      DTypeError,
      "Conv2d(3, 8, 3): the weight is float32 but x is float64 — convert the input (x.to('float32')) " +
        "or the layer (layer.to('float64'))",
    );
    expect(new Conv2d(3, 8, 3).to('float64').forward(randn([1, 3, 5, 5], { dtype: 'float64' })).dtype).toBe(
      'float64',
    );
    expectMessage(
      () => conv.forward([1, 2, 3] as never),
      ValueError,
      'Conv2d: x must be a Variable or a Tensor, got [1, 2, 3] (wrap it: tensor([...]) or variable([...]))',
    );
  });

  it('pools, norms, Upsample and Dropout2d refuse the wrong rank', () => {
    expectMessage(
      () => new MaxPool1d(2).forward(randn([3, 4, 5, 6])),
      ShapeError,
      'MaxPool1d: expected a 2-d [C, L] or 3-d [N, C, L] input, got x.shape=[3,4,5,6]',
    );
    expectMessage(
      () => new AdaptiveAvgPool2d(2).forward(randn([3, 4])),
      ShapeError,
      'AdaptiveAvgPool2d: expected a 3-d [C, H, W] or 4-d [N, C, H, W] input, got x.shape=[3,4]',
    );
    expectMessage(
      () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(randn([1, 1, 4])),
      ShapeError,
      "Upsample: mode 'bilinear' expects a 4-d [N, C, H, W] input, got x.shape=[1,1,4] (add the batch dim with x.unsqueeze(0))",
    );
    expectMessage(
      () => new Upsample({ size: [4, 4] }).forward(randn([1, 2, 3])),
      ShapeError,
      'Upsample: size=[4,4] gives 2 spatial dims, x.shape=[1,2,3] has 1',
    );
    expectMessage(
      () => new GroupNorm(2, 6).forward(randn([2, 4, 3])),
      ShapeError,
      'GroupNorm(2, 6): expects an (N, 6, …) input, got x.shape=[2,4,3]',
    );
    expectMessage(
      () => dropout2d(randn([3, 4, 5])),
      ShapeError,
      'dropout2d: expected a 4-d input [N, C, H, W], got x.shape=[3,4,5] (a 3-d input is ambiguous: ' +
        'PyTorch 1.13 reads it as [N, C, L] and warns that this will change to an unbatched [C, H, W]; ' +
        'add the batch dim with x.unsqueeze(0))',
    );
    expectMessage(
      () => new Dropout2d().forward(randn([3, 4])),
      ShapeError,
      'dropout2d: expected a 4-d input [N, C, H, W], got x.shape=[3,4] (use dropout for element-wise dropout)',
    );
  });

  it('BatchNorm2d refuses a bad input before its running statistics change', () => {
    const bn = new BatchNorm2d(3);
    expectMessage(
      () => bn.forward(randn([2, 3, 4])),
      ShapeError,
      'BatchNorm2d: expected a 4-d input [N, C, H, W], got x.shape=[2,3,4] ' +
        '(BatchNorm1d takes [N, C] and [N, C, L]; add a batch dim with x.unsqueeze(0))',
    );
    expectMessage(
      () => bn.forward(randn([2, 4, 2, 2])),
      ShapeError,
      'BatchNorm2d(3): expects 3 channels, got x.shape=[2,4,2,2] (the channels are dim 1)',
    );
    expect(bn.stateDict().num_batches_tracked!.item()).toBe(0);
    expect(Array.from(bn.runningMean!.value.data)).toEqual([0, 0, 0]);
    // Without per-channel state any channel count is normalised, as in PyTorch.
    const bare = new BatchNorm2d(3, { affine: false, trackRunningStats: false });
    expect(bare.forward(randn([2, 5, 2, 2])).shape).toEqual([2, 5, 2, 2]);
  });

  it('groupNorm checks the groups, the per-channel parameters and the group size', () => {
    expectMessage(
      () => groupNorm(randn([2, 6]), 4),
      ShapeError,
      'groupNorm: the channels must divide into numGroups groups — x.shape=[2,6] has 6 channels, numGroups=4',
    );
    expectMessage(
      () => groupNorm(randn([1, 6]), 6),
      ValueError,
      'groupNorm: expected more than 1 value per group — x.shape=[1,6], numGroups=6 (use fewer groups or a larger input)',
    );
    expectMessage(
      () => groupNorm(randn([6]), 2),
      ShapeError,
      'groupNorm: x must be (N, C) or (N, C, …) — x.shape=[6]',
    );
    expectMessage(
      () => groupNorm(randn([2, 6, 3]), 2, { weight: ones([3]) }),
      ShapeError,
      'groupNorm: weight must hold one value per channel — weight.shape=[3], x.shape=[2,6,3] (expected [6])',
    );
    expectMessage(
      () => groupNorm(randn([2, 6]), 2, { eps: -1 }),
      ValueError,
      'groupNorm: eps must be a finite number >= 0 — got -1',
    );
  });
});
