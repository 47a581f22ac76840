import { describe, expect, it } from 'vitest';
import * as api from './index';
import {
  arange,
  Generator,
  manualSeed,
  ones,
  rand,
  randint,
  randn,
  randperm,
  Tensor,
  tensor,
  zeros,
} from './index';

describe('tensor()', () => {
  it('reads nested arrays, with float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('infers bool from booleans and keeps a typed array’s own dtype', () => {
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
  });

  it('takes a flat array or typed array with a shape, and copies it', () => {
    const source = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(source, { shape: [3, 2] });
    source[0] = 99;
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('makes a 0-d tensor from a number, and empty tensors from empty arrays', () => {
    const s = tensor(2.5, { dtype: 'float64' });
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('converts values to the requested dtype (int32 takes integers only; nonzero is true for bool)', () => {
    expect(tensor([7, -7, 0], { dtype: 'int32' }).toArray()).toEqual([7, -7, 0]);
    expect(() => tensor([1.7], { dtype: 'int32' })).toThrow(
      /tensor: value at flat index 0 is not an integer/,
    );
    expect(tensor([0.5, 0, -2], { dtype: 'bool' }).toArray()).toEqual([true, false, true]);
  });
});

describe('Tensor', () => {
  it('to() casts between dtypes and returns itself for the same dtype', () => {
    const t = tensor([1.5, -2.5, 0], { dtype: 'float64' });
    expect(t.to('float64')).toBe(t);
    expect(t.to('int32').toArray()).toEqual([1, -2, 0]);
    expect(t.to('bool').toArray()).toEqual([true, true, false]);
    expect(t.to('float32').data).toBeInstanceOf(Float32Array);
  });

  it('clone() copies the data', () => {
    const t = ones([2]);
    const c = t.clone();
    c.data[0] = 5;
    expect(t.data[0]).toBe(1);
  });

  it('get() reads by index, negative indices counting from the end', () => {
    const t = arange(6).reshape([2, 3]);
    expect(t.get(1, 2)).toBe(5);
    expect(t.get(-1, 0)).toBe(3);
    expect(() => t.get(2, 0)).toThrow(api.IndexError);
  });

  it('has a frozen shape', () => {
    const t = zeros([2, 3]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it('rejects data that does not fit its shape or dtype', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(api.ShapeError);
    expect(() => new Tensor(new Float32Array(6), [2, 3], 'float64')).toThrow(api.DTypeError);
  });

  it('reshape shares data with its input, like a PyTorch view', () => {
    const t = arange(6);
    expect(t.reshape([2, 3]).data).toBe(t.data);
  });

  it('prints like PyTorch', () => {
    expect(tensor([1, 2.5]).toString()).toBe('tensor([1.0000, 2.5000])');
    expect(tensor([1, 2], { dtype: 'float64' }).toString()).toBe('tensor([1., 2.], dtype=float64)');
    expect(`${tensor([true])}`).toBe('tensor([True])');
  });
});

describe('every op is a function and a method', () => {
  // Functions whose first argument is a tensor; list ops (concat, stack), creation and
  // where(cond, a, b) have no method form of the same signature.
  const notMethods = new Set([
    'tensor',
    'full',
    'zeros',
    'ones',
    'fullLike',
    'zerosLike',
    'onesLike',
    'arange',
    'linspace',
    'eye',
    'rand',
    'randn',
    'randint',
    'randperm',
    'manualSeed',
    'getDefaultGenerator',
    'concat',
    'stack',
    'broadcastShapes',
    'sameShape',
    'normalizeDim',
    'normalizeDims',
    'sizeOf',
    'promoteTypes',
    'formatShape',
    'formatTensor',
    'formatValue',
    'formatCount',
    'isPlainObject',
    'isTensorLike',
    'mustBe',
    'checkKnownKeys',
    'checkOptions',
    'checkOptionsObject',
    'optionKeys',
    'checkInteger',
    'checkNumber',
    'checkBoolean',
    'checkChoice',
    'setBackend',
    'backend',
    'backendInfo',
    'setMatmulThreads',
    'matmulThreads',
    'copyToKernelStorage',
    'isInKernelStorage',
    'kernelStorageZeros',
    'kernelStorageView',
    'kernelStorageAvailable',
    'openBufferScope',
    'bufferPoolBytes',
    'clearBufferPool',
    'biasRelu',
    'maskRows',
    'adamUpdateKernel',
    'sgdMomentumUpdateKernel',
    'rmspropUpdateKernel',
    'adagradUpdateKernel',
    // Convolution, pooling, resampling and the fused squared error are functions only, as in torch.nn.functional.
    ...['conv1d', 'conv2d', 'maxPool1d', 'maxPool2d', 'avgPool1d', 'avgPool2d'],
    ...['adaptiveAvgPool1d', 'adaptiveAvgPool2d', 'interpolate', 'squaredError'],
    ...['conv1dBackward', 'conv2dBackward', 'maxPool1dBackward', 'maxPool2dBackward'],
    ...['avgPool1dBackward', 'avgPool2dBackward', 'adaptiveAvgPool1dBackward', 'adaptiveAvgPool2dBackward'],
    'interpolateBackward',
    // Row products of a Jacobian, for gradient aggregation: functions only, like the linalg kernels.
    ...['rowGramian', 'rowCombination'],
  ]);
  const functions = Object.entries(api).filter(
    ([name, value]) => typeof value === 'function' && /^[a-z]/.test(name) && !notMethods.has(name),
  );

  it('lists a method for each op function', () => {
    expect(functions.length).toBeGreaterThan(80);
    const missing = functions
      .map(([name]) => name)
      .filter((name) => typeof (Tensor.prototype as never)[name] !== 'function');
    expect(missing).toEqual([]);
  });

  it('gives the same result both ways', () => {
    const a = tensor([
      [1, -2],
      [3, 4],
    ]);
    const b = tensor([0.5, 2]);
    expect(a.add(b).toArray()).toEqual(api.add(a, b).toArray());
    expect(a.matmul(a).toArray()).toEqual(api.matmul(a, a).toArray());
    expect(a.sum(1, { keepDim: true }).toArray()).toEqual(api.sum(a, 1, { keepDim: true }).toArray());
    expect(a.relu().toArray()).toEqual(api.relu(a).toArray());
  });
});

describe('type promotion', () => {
  const f32 = ones([1]);
  const f64 = ones([1], { dtype: 'float64' });
  const i32 = ones([1], { dtype: 'int32' });
  const b = ones([1], { dtype: 'bool' });

  it.each([
    [f32, f64, 'float64'],
    [i32, f32, 'float32'],
    [i32, f64, 'float64'],
    [b, i32, 'int32'],
    [b, f32, 'float32'],
    [b, b, 'bool'],
  ] as const)('%#: tensor + tensor', (x, y, expected) => {
    expect(api.add(x, y).dtype).toBe(expected);
    expect(api.add(y, x).dtype).toBe(expected);
  });

  it('a JS number raises the category, never the width', () => {
    expect(api.add(f64, 1.5).dtype).toBe('float64');
    expect(api.add(f32, 1.5).dtype).toBe('float32');
    expect(api.add(i32, 2).dtype).toBe('int32');
    expect(api.add(i32, 2.5).dtype).toBe('float32');
    expect(api.add(b, 3).dtype).toBe('int32');
  });

  it('a 0-d tensor raises the category of a tensor with dims, never its width', () => {
    expect(api.add(ones([3]), tensor(1, { dtype: 'float64' })).dtype).toBe('float32');
    expect(api.add(ones([3], { dtype: 'int32' }), tensor(1, { dtype: 'float64' })).dtype).toBe('float64');
    expect(api.add(ones([3], { dtype: 'bool' }), tensor(1, { dtype: 'int32' })).dtype).toBe('int32');
    expect(api.add(tensor(1), tensor(1, { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('true division and float functions of ints give float32', () => {
    expect(api.div(i32, i32).dtype).toBe('float32');
    expect(api.exp(i32).dtype).toBe('float32');
    expect(api.abs(i32).dtype).toBe('int32');
    expect(api.sum(b).dtype).toBe('int32');
  });
});

describe('random numbers', () => {
  it('the same seed gives the same tensors', () => {
    manualSeed(42);
    const first = [rand([3]), randn([2, 2]), randint(0, 10, [4]), randperm(5)];
    manualSeed(42);
    const second = [rand([3]), randn([2, 2]), randint(0, 10, [4]), randperm(5)];
    first.forEach((t, i) => {
      expect(t.toArray()).toEqual(second[i]!.toArray());
    });
  });

  it('an explicit generator is independent of the default one', () => {
    const g1 = new Generator(7);
    const g2 = new Generator(7);
    const a = randn([5], { generator: g1, dtype: 'float64' });
    rand([100]); // draws from the default generator do not disturb g2
    const b = randn([5], { generator: g2, dtype: 'float64' });
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.dtype).toBe('float64');
  });

  it('draws in range', () => {
    const g = new Generator(1);
    const u = rand([1000], { generator: g });
    expect(api.amin(u).item()).toBeGreaterThanOrEqual(0);
    expect(api.amax(u).item()).toBeLessThan(1);
    const k = randint(-3, 3, [1000], { generator: g });
    expect(api.amin(k).item()).toBe(-3);
    expect(api.amax(k).item()).toBe(2);
    expect(Array.from(randperm(6, { generator: g }).data).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
