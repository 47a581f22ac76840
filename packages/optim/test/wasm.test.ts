/**
 * The WASM SIMD float32 kernels: the embedded module is current, it loads, parameters and state
 * buffers live in WebAssembly memory and behave as the TypeScript path's (state dicts, moving state in from the JS
 * heap), results agree with the TypeScript updates on parameters of several chunks with ragged
 * tails, and without WebAssembly SIMD everything falls back. (The torch trajectories run on both
 * paths in reference.test.ts.)
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Generator, rand, type Tensor } from '@mtl/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  Momentum,
  OptimError,
  type Optimizer,
  optimBackend,
  type ParameterLike,
  RMSprop,
  SGD,
  setOptimBackend,
} from '../src/index';
import { CHUNK, slabOf, wasmOptimAvailable } from '../src/wasm/optimWasm';
import { optimWasmSourceHash } from '../src/wasm/optimWasm.generated';

afterEach(() => setOptimBackend('wasm'));

describe('the embedded WASM module', () => {
  it('was generated from the current assembly/optim.ts (else run `pnpm --filter @mtl/optim build:wasm`)', () => {
    const source = readFileSync(new URL('../assembly/optim.ts', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(optimWasmSourceHash);
  });

  it('loads in Node 20 (WebAssembly SIMD is on by default), and setOptimBackend switches paths', () => {
    expect(wasmOptimAvailable()).toBe(true);
    expect(optimBackend()).toBe('wasm');
    setOptimBackend('js');
    expect(optimBackend()).toBe('js');
    expect(() => setOptimBackend('gpu' as 'js')).toThrow(OptimError);
    expect(() => setOptimBackend('gpu' as 'js')).toThrow(/backend must be 'wasm' or 'js', got "gpu"/);
  });
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

  it('keeps its state buffers in WebAssembly memory, as float32 tensors of the parameter shape', () => {
    const { params, opt } = run(make, 'wasm', 2);
    for (const p of params) {
      for (const key of keys) {
        const t = opt.state.get(p)![key] as Tensor;
        expect(t.dtype).toBe('float32');
        expect(t.shape).toEqual(p.value.shape);
        expect(t.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
        expect(t.data.byteOffset % 16).toBe(0);
        // Not a buffer of its own: a view into a WebAssembly memory shared with other state.
        expect(t.data.buffer.byteLength).toBeGreaterThan(t.data.byteLength);
        expect(slabOf([t.data as Float32Array, p.value.data as Float32Array])).toBeDefined();
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

  it('moves the parameter into WebAssembly memory at its first step, next to its state, and updates it there in place', () => {
    const { params, grads } = problem(11);
    setOptimBackend('wasm');
    const opt = make(params);
    const before = params.map((p) => p.value);
    const initial = before.map((t) => Array.from(t.data));
    params.forEach((p, i) => {
      p.grad = grads[0]![i]!;
    });
    opt.step();
    params.forEach((p, i) => {
      // The old tensor is left as it was; param.value views the slab that holds the state.
      expect(Array.from(before[i]!.data)).toEqual(initial[i]);
      expect(p.value).not.toBe(before[i]);
      expect(p.value.shape).toEqual(before[i]!.shape);
      expect(p.value.data.buffer).toBe((opt.state.get(p)![keys[0]!] as Tensor).data.buffer);
    });
    const moved = params.map((p) => p.value);
    params.forEach((p, i) => {
      p.grad = grads[1]![i]!;
    });
    opt.step();
    params.forEach((p, i) => {
      expect(p.value).toBe(moved[i]);
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

  it('moves state made on the TypeScript path into WebAssembly memory when switched', () => {
    const { params, grads } = problem(9);
    setOptimBackend('js');
    const opt = make(params);
    params.forEach((p, i) => {
      p.grad = grads[0]![i]!;
    });
    opt.step();
    const before = opt.state.get(params[5]!)![keys[0]!] as Tensor;
    expect(before.data.buffer.byteLength).toBe(before.data.byteLength);
    expect(slabOf([before.data as Float32Array])).toBeUndefined();
    setOptimBackend('wasm');
    opt.step();
    const after = opt.state.get(params[5]!)![keys[0]!] as Tensor;
    expect(after.data.buffer.byteLength).toBeGreaterThan(after.data.byteLength);
    expect(slabOf([after.data as Float32Array])).toBeDefined();
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
      if (typeof value !== 'number') expect(value.data.buffer.byteLength).toBe(value.data.byteLength);
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
    expect(optim.optimBackend()).toBe('js');
    const p: ParameterLike = { value: t.rand([10], { generator: new t.Generator(1) }), grad: null };
    const before = Array.from(p.value.data);
    p.grad = t.rand([10], { generator: new t.Generator(2) });
    const opt = new optim.Adam([p], { lr: 0.1 });
    opt.step();
    expect(Array.from(p.value.data)).not.toEqual(before);
    const m = opt.state.get(p)!.expAvg as Tensor;
    expect(m.data.buffer.byteLength).toBe(m.data.byteLength);
  });
});
