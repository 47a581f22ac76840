/**
 * The float32 updates through @mtl/tensor's WebAssembly kernels: state buffers live in kernel
 * storage and behave as the TypeScript path's (state dicts, moving state in from the JS heap),
 * parameters are updated in place wherever they live (never replaced), results agree with the
 * TypeScript updates on parameters of several chunks with ragged tails, and without
 * WebAssembly SIMD everything falls back. (The torch trajectories run on both paths in
 * reference.test.ts.)
 */
import {
  backend,
  copyToKernelStorage,
  Generator,
  isInKernelStorage,
  rand,
  setBackend,
  type Tensor,
} from '@mtl/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  Momentum,
  OptimError,
  type Optimizer,
  type ParameterLike,
  RMSprop,
  SGD,
} from '../src/index';

/** Elements the kernels stage per call (a parameter of several chunks has ragged tails). */
const CHUNK = 8192;

const setOptimBackend = (b: 'wasm' | 'js') => setBackend(b, { kernels: ['optimizerUpdates'] });

afterEach(() => setBackend('wasm'));

it('the updates run on the WebAssembly kernels here, and setBackend switches them', () => {
  expect(backend('optimizerUpdates')).toBe('wasm');
  setOptimBackend('js');
  expect(backend('optimizerUpdates')).toBe('js');
});

type Make = (ps: ParameterLike[]) => Optimizer<{ lr: number }>;
/** Every variant with a kernel, with options that exercise its branches (the common case has a loop of its own). */
const kernels: [string, Make, string[]][] = [
  ['Adam', (ps) => new Adam(ps, { lr: 0.01 }), ['expAvg', 'expAvgSq']],
  [
    'Adam+weightDecay+maximize',
    (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1, maximize: true }),
    ['expAvg', 'expAvgSq'],
  ],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 }), ['expAvg', 'expAvgSq']],
  ['Momentum', (ps) => new Momentum(ps, { lr: 0.05, dampening: 0.1 }), ['momentumBuffer']],
  [
    'Momentum+weightDecay+maximize',
    (ps) => new Momentum(ps, { lr: 0.05, dampening: 0.1, weightDecay: 0.01, maximize: true }),
    ['momentumBuffer'],
  ],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01 }), ['squareAvg']],
  ['RMSprop+weightDecay', (ps) => new RMSprop(ps, { lr: 0.01, weightDecay: 0.01 }), ['squareAvg']],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }), ['sum']],
  [
    'Adagrad+weightDecay+maximize',
    (ps) => new Adagrad(ps, { lr: 0.1, weightDecay: 0.01, maximize: true }),
    ['sum'],
  ],
];

/** float32 parameters of sizes around the chunk, the SIMD width and the two-vector loops, with seeded gradients. */
function problem(seed: number): { params: ParameterLike[]; grads: Tensor[][] } {
  const g = new Generator(seed);
  const sizes = [1, 3, 4, 7, 13, CHUNK, 2 * CHUNK + 5];
  const params = sizes.map((n) => ({ value: rand([n], { generator: g }), grad: null }) as ParameterLike);
  const grads = Array.from({ length: 5 }, () => sizes.map((n) => rand([n], { generator: g }).sub(0.5)));
  return { params, grads };
}

function run(
  make: Make,
  backend: 'wasm' | 'js',
  steps = 5,
): { params: ParameterLike[]; opt: Optimizer<{ lr: number }> } {
  setOptimBackend(backend);
  const { params, grads } = problem(7);
  const opt = make(params);
  for (let k = 0; k < steps; k++) {
    params.forEach((p, i) => {
      p.grad = grads[k]![i]!;
    });
    opt.step();
  }
  return { params, opt };
}

/** How many elements differ by more than the float32 tolerance of the torch fixtures (rtol 1e-5, atol 1e-6). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= 1e-6 + 1e-5 * Math.abs(b[i]!))) count++;
  return count;
}

describe.each(kernels)('%s on float32', (_name, make, keys) => {
  it('agrees with the TypeScript update to float32 precision, over several chunks and ragged tails', () => {
    const wasm = run(make, 'wasm');
    const js = run(make, 'js');
    wasm.params.forEach((p, i) => {
      expect(mismatches(p.value.data, js.params[i]!.value.data)).toBe(0);
      for (const key of keys) {
        const a = (wasm.opt.state.get(p)![key] as Tensor).data;
        const b = (js.opt.state.get(js.params[i]!)![key] as Tensor).data;
        expect(mismatches(a, b)).toBe(0);
      }
    });
  });

  it('keeps its state buffers in kernel storage, as float32 tensors of the parameter shape', () => {
    const { params, opt } = run(make, 'wasm', 2);
    for (const p of params) {
      for (const key of keys) {
        const t = opt.state.get(p)![key] as Tensor;
        expect(t.dtype).toBe('float32');
        expect(t.shape).toEqual(p.value.shape);
        expect(t.data.byteOffset % 16).toBe(0);
        expect(isInKernelStorage(t)).toBe(true);
      }
    }
  });

  it('continues exactly after a stateDict JSON round trip', () => {
    const full = run(make, 'wasm', 5);
    // 3 steps on WASM, save, load into a fresh optimizer (state comes back on the JS heap and
    // moves into WebAssembly memory at the next step), 2 more steps.
    const { params, grads } = problem(7);
    setOptimBackend('wasm');
    const first = make(params);
    for (let k = 0; k < 3; k++) {
      params.forEach((p, i) => {
        p.grad = grads[k]![i]!;
      });
      first.step();
    }
    const second = make(params);
    second.loadStateDict(JSON.parse(JSON.stringify(first.stateDict())));
    for (let k = 3; k < 5; k++) {
      params.forEach((p, i) => {
        p.grad = grads[k]![i]!;
      });
      second.step();
    }
    params.forEach((p, i) => {
      expect(Array.from(p.value.data)).toEqual(Array.from(full.params[i]!.value.data));
    });
    expect(second.stateDict()).toEqual(full.opt.stateDict());
  });

  it('updates the parameter in place wherever it lives: param.value and its data are never replaced', () => {
    const onHeap = problem(11);
    const inStorage = problem(11);
    for (const p of inStorage.params) p.value = copyToKernelStorage(p.value);
    const results = [onHeap, inStorage].map(({ params, grads }) => {
      setOptimBackend('wasm');
      const opt = make(params);
      const values = params.map((p) => p.value);
      const data = params.map((p) => p.value.data);
      for (let k = 0; k < 2; k++) {
        params.forEach((p, i) => {
          p.grad = grads[k]![i]!;
        });
        opt.step();
      }
      params.forEach((p, i) => {
        expect(p.value).toBe(values[i]);
        expect(p.value.data).toBe(data[i]);
      });
      return params;
    });
    expect(inStorage.params.every((p) => isInKernelStorage(p.value))).toBe(true);
    expect(onHeap.params.some((p) => isInKernelStorage(p.value))).toBe(false);
    // The same float32 arithmetic on both: in place in storage, or staged chunk by chunk.
    results[0]!.forEach((p, i) => {
      expect(Array.from(p.value.data)).toEqual(Array.from(results[1]![i]!.value.data));
    });
  });

  it('takes up a param.value replaced between steps, as the TypeScript path does', () => {
    const replaced = (backend: 'wasm' | 'js') => {
      const { params, grads } = problem(13);
      setOptimBackend(backend);
      const opt = make(params);
      for (let k = 0; k < 4; k++) {
        // Between steps 2 and 3 every parameter gets a new tensor (as Module.to or a user would).
        if (k === 2) for (const p of params) p.value = p.value.mul(0.5);
        params.forEach((p, i) => {
          p.grad = grads[k]![i]!;
        });
        opt.step();
      }
      return params;
    };
    const wasm = replaced('wasm');
    const js = replaced('js');
    wasm.forEach((p, i) => {
      expect(mismatches(p.value.data, js[i]!.value.data)).toBe(0);
    });
  });

  it('gives a parameter shared by two optimizers the TypeScript path’s values (each copies it in)', () => {
    const shared = (backend: 'wasm' | 'js') => {
      const { params, grads } = problem(17);
      setOptimBackend(backend);
      const first = make(params);
      const second = make(params);
      for (let k = 0; k < 3; k++) {
        params.forEach((p, i) => {
          p.grad = grads[k]![i]!;
        });
        first.step();
        second.step();
      }
      return params;
    };
    const wasm = shared('wasm');
    const js = shared('js');
    wasm.forEach((p, i) => {
      expect(mismatches(p.value.data, js[i]!.value.data)).toBe(0);
    });
  });

  it.each(['wasm', 'js'] as const)(
    'names the state and both shapes when a parameter changed shape after its first step (%s)',
    (backend) => {
      setOptimBackend(backend);
      const p: ParameterLike = { value: rand([2, 3]), grad: rand([2, 3]) };
      const opt = make([p]);
      opt.step();
      p.value = rand([3, 3]);
      p.grad = rand([3, 3]);
      expect(() => opt.step()).toThrow(OptimError);
      expect(() => opt.step()).toThrow(/state \w+ has shape \[2, ?3\] but its parameter \[3, ?3\]/);
    },
  );

  it('steps a parameter with no elements (a Linear(0, n) weight)', () => {
    setOptimBackend('wasm');
    const p: ParameterLike = { value: rand([0, 4]), grad: rand([0, 4]) };
    const opt = make([p]);
    opt.step();
    opt.step();
    expect(p.value.shape).toEqual([0, 4]);
    for (const key of keys) expect((opt.state.get(p)![key] as Tensor).shape).toEqual([0, 4]);
  });

  it('moves state made on the TypeScript path into kernel storage when switched', () => {
    const { params, grads } = problem(9);
    setOptimBackend('js');
    const opt = make(params);
    params.forEach((p, i) => {
      p.grad = grads[0]![i]!;
    });
    opt.step();
    const before = opt.state.get(params[5]!)![keys[0]!] as Tensor;
    expect(isInKernelStorage(before)).toBe(false);
    setOptimBackend('wasm');
    opt.step();
    const after = opt.state.get(params[5]!)![keys[0]!] as Tensor;
    expect(isInKernelStorage(after)).toBe(true);
  });
});

describe('variants without a kernel, and float64, use the TypeScript path', () => {
  it.each([
    ['Adam amsgrad', (ps: ParameterLike[]) => new Adam(ps, { amsgrad: true })],
    ['SGD nesterov', (ps: ParameterLike[]) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ['RMSprop centered', (ps: ParameterLike[]) => new RMSprop(ps, { centered: true })],
    ['RMSprop momentum', (ps: ParameterLike[]) => new RMSprop(ps, { momentum: 0.5 })],
  ])('%s keeps its state on the JS heap', (_name, make) => {
    const { params, grads } = problem(3);
    const opt = make(params);
    params.forEach((p, i) => {
      p.grad = grads[0]![i]!;
    });
    opt.step();
    for (const value of Object.values(opt.state.get(params[0]!)!)) {
      if (typeof value !== 'number') expect(isInKernelStorage(value)).toBe(false);
    }
  });
});

describe('without WebAssembly SIMD', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it.each([
    [
      'WebAssembly.validate rejects SIMD',
      () => Object.create(WebAssembly, { validate: { value: () => false } }),
    ],
    ['no WebAssembly at all', () => undefined],
  ])('%s: the backend reports js and Adam runs the TypeScript update', async (_, fake) => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', fake());
    const optim = await import('../src/index');
    const t = await import('@mtl/tensor');
    expect(t.backend('optimizerUpdates')).toBe('js');
    const p: ParameterLike = { value: t.rand([10], { generator: new t.Generator(1) }), grad: null };
    const before = Array.from(p.value.data);
    p.grad = t.rand([10], { generator: new t.Generator(2) });
    const opt = new optim.Adam([p], { lr: 0.1 });
    opt.step();
    expect(Array.from(p.value.data)).not.toEqual(before);
    const m = opt.state.get(p)!.expAvg as Tensor;
    expect(t.isInKernelStorage(m)).toBe(false);
  });
});
