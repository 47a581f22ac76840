import { afterEach, describe, expect, it } from 'vitest';
import { tensor } from '../creation/tensor';
import type { BinaryLoop, UnaryLoop } from '../kernels/elementwise';
import { biasRelu, maskRows } from '../kernels/linearPasses';
import { matmulKernel } from '../kernels/matmul';
import {
  adagradUpdateKernel,
  adamUpdateKernel,
  rmspropUpdateKernel,
  sgdMomentumUpdateKernel,
} from '../kernels/optimizerUpdates';
import { relu } from '../ops/activations';
import { add } from '../ops/add';
import { eq, ge, gt, le, lt, ne } from '../ops/comparison';
import { conv2d, conv2dBackward } from '../ops/conv';
import { div } from '../ops/div';
import { expand } from '../ops/expand';
import { argmax, max } from '../ops/extrema';
import { eigh, inv, pinv, solve } from '../ops/linalg';
import { abs, exp, log, neg, sigmoid, sqrt, square, tanh } from '../ops/math';
import { matmul } from '../ops/matmul';
import { maximum } from '../ops/maximum';
import { minimum } from '../ops/minimum';
import { mul } from '../ops/mul';
import { permute } from '../ops/permute';
import { maxPool2d } from '../ops/pool';
import { rowCombination, rowGramian } from '../ops/rowProducts';
import { squaredError } from '../ops/squaredError';
import { sub } from '../ops/sub';
import { sum } from '../ops/sum';
import { Tensor } from '../Tensor';
import { backend, KERNEL_NAMES, type KernelName, setBackend, WASM_KERNEL_NAMES } from './backend';
import { getKernel, KERNELS, type KernelEntry, withKernelForTests } from './registry';

afterEach(() => setBackend('wasm'));

const x = tensor([
  [0.5, -1.5, 2],
  [3, 0.25, -4],
]);
const y = tensor([1, -2, 0.5]);
const positive = tensor([0.5, 1, 4, 9]);
const square2 = tensor([
  [4, 1],
  [1, 3],
]);
const f32 = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i));

/**
 * For each kernel, the ops (or, for the kernels that ops reach through a kernel function, that
 * function) that run it. Typed by KernelName: a kernel added to the registry without a probe here
 * fails to compile.
 */
const probes: Record<KernelName, () => unknown> = {
  matmul: () => [
    matmul(tensor(f32(8 * 16, 1), { shape: [8, 16] }), tensor(f32(16 * 8, 2), { shape: [16, 8] })),
    matmul(square2.to('float64'), x.to('float64')),
  ],
  rowProducts: () => [
    rowGramian(tensor(f32(4 * 1024, 3), { shape: [4, 1024] })),
    rowCombination(tensor(f32(4 * 1024, 4), { shape: [4, 1024] }), [1, 2, 3, 4]),
  ],
  // Stride 2: the direct kernels (stride 1 only) leave these to convGemm (the forward), im2col
  // (the weight's gradient) and col2im (the input's).
  convGemm: () =>
    conv2d(
      tensor(f32(2 * 3 * 6 * 6, 11), { shape: [2, 3, 6, 6] }),
      tensor(f32(4 * 3 * 9, 12), { shape: [4, 3, 3, 3] }),
      null,
      { stride: 2 },
    ),
  im2col: () =>
    conv2dBackward(
      tensor(f32(2 * 3 * 6 * 6, 11), { shape: [2, 3, 6, 6] }),
      tensor(f32(4 * 3 * 9, 12), { shape: [4, 3, 3, 3] }),
      tensor(f32(2 * 4 * 4, 20), { shape: [2, 4, 2, 2] }),
      { stride: 2 },
      { input: false, bias: false },
    ),
  col2im: () =>
    conv2dBackward(
      tensor(f32(2 * 3 * 6 * 6, 13), { shape: [2, 3, 6, 6] }),
      tensor(f32(4 * 3 * 9, 14), { shape: [4, 3, 3, 3] }),
      tensor(f32(2 * 4 * 4, 15), { shape: [2, 4, 2, 2] }),
      { stride: 2 },
      { weight: false, bias: false },
    ),
  directConv: () => {
    const xs = tensor(f32(2 * 3 * 6 * 6, 17), { shape: [2, 3, 6, 6] });
    const ws = tensor(f32(4 * 3 * 9, 18), { shape: [4, 3, 3, 3] });
    return [
      conv2d(xs, ws, null, { padding: 1 }),
      conv2dBackward(xs, ws, tensor(f32(2 * 4 * 36, 19), { shape: [2, 4, 6, 6] }), { padding: 1 }),
    ];
  },
  maxPool: () => maxPool2d(tensor(f32(2 * 3 * 6 * 6, 16), { shape: [2, 3, 6, 6] }), { kernelSize: 2 }),
  linearPasses: () => {
    const yy = f32(64 * 64, 3);
    biasRelu(yy, f32(64, 4), 64, 64);
    const gm = new Float32Array(64 * 64);
    const sums = new Float64Array(64);
    maskRows(f32(64 * 64, 5), yy, gm, sums, 64, 64);
    return [yy, gm, sums];
  },
  optimizerUpdates: () => {
    const [p, g, s1, s2] = [f32(16, 6), f32(16, 7), f32(16, 8), f32(16, 9)];
    return [
      adamUpdateKernel(p, g, s1, s2, 0.9, 0.999, 0.1, 0.001, 0.01, 1, 1e-8, 1, 0, 1),
      sgdMomentumUpdateKernel(p, g, s1, 0.1, 0.9, 1, 0, 1),
      rmspropUpdateKernel(p, g, s2, 0.01, 0.99, 0.01, 1e-8, 0, 1),
      adagradUpdateKernel(p, g, s2, 0.01, 1e-10, 0, 1),
      p,
    ];
  },
  binary: () => add(x, y),
  add: () => add(x, y),
  sub: () => sub(x, y),
  mul: () => mul(x, y),
  div: () => div(x, y),
  maximum: () => maximum(x, y),
  minimum: () => minimum(x, y),
  eq: () => eq(x, y),
  ne: () => ne(x, y),
  lt: () => lt(x, y),
  le: () => le(x, y),
  gt: () => gt(x, y),
  ge: () => ge(x, y),
  copy: () => expand(y, [4, 3]),
  unary: () => neg(x),
  neg: () => neg(x),
  abs: () => abs(x),
  square: () => square(x),
  exp: () => exp(x),
  log: () => log(positive),
  sqrt: () => sqrt(positive),
  tanh: () => tanh(x),
  relu: () => relu(x),
  sigmoid: () => sigmoid(x),
  reduce: () => [sum(x, 0), max(x, 1)],
  argReduce: () => argmax(x, 1),
  squaredError: () => squaredError(x, add(x, 1)),
  permute: () => permute(x, [1, 0]),
  inverse: () => inv(square2),
  solve: () => solve(square2, tensor([1, 2])),
  pseudoInverse: () => pinv(x),
  symmetricEigen: () => eigh(square2),
};

/** Tensors and typed arrays as plain values, to compare two runs. */
function plain(value: unknown): unknown {
  if (value instanceof Tensor)
    return { shape: value.shape, dtype: value.dtype, data: Array.from(value.data) };
  if (ArrayBuffer.isView(value)) return Array.from(value as Float32Array);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

type AnyFn = (...args: unknown[]) => unknown;

/** `impl` (a function, or an object of functions) with every call counted. */
function counting<T>(impl: T): { spy: T; calls: () => number } {
  let calls = 0;
  const wrap =
    (fn: AnyFn): AnyFn =>
    (...args) => {
      calls++;
      return fn(...args);
    };
  const spy =
    typeof impl === 'function'
      ? wrap(impl as AnyFn)
      : Object.fromEntries(Object.entries(impl as Record<string, AnyFn>).map(([k, fn]) => [k, wrap(fn)]));
  return { spy: spy as T, calls: () => calls };
}

describe('the kernel registry', () => {
  it('has one entry per kernel name, with a WebAssembly implementation exactly for the WASM_KERNEL_NAMES', () => {
    expect(Object.keys(KERNELS).sort()).toEqual([...KERNEL_NAMES].sort());
    for (const name of KERNEL_NAMES) {
      expect(typeof KERNELS[name].js, name).toMatch(/function|object/);
      expect(KERNELS[name].wasm !== undefined, name).toBe(
        (WASM_KERNEL_NAMES as readonly string[]).includes(name),
      );
    }
  });

  it("getKernel gives the js implementations on 'js', the wasm ones (where they exist) on 'wasm', per kernel", () => {
    setBackend('js');
    for (const name of KERNEL_NAMES)
      expect(getKernel(KERNELS[name] as KernelEntry<unknown>), name).toBe(KERNELS[name].js);
    setBackend('wasm');
    for (const name of KERNEL_NAMES)
      expect(getKernel(KERNELS[name] as KernelEntry<unknown>), name).toBe(
        KERNELS[name].wasm ?? KERNELS[name].js,
      );
    setBackend('js', { kernels: ['matmul', 'add'] });
    expect(getKernel(KERNELS.matmul)).toBe(KERNELS.matmul.js);
    expect(getKernel(KERNELS.linearPasses)).toBe(KERNELS.linearPasses.wasm);
    expect(getKernel(KERNELS.add)).toBe(KERNELS.add.js);
    expect(backend('linearPasses')).toBe('wasm');
  });

  describe("on the 'js' backend, every op runs its kernel's js implementation from the registry", () => {
    it.each(KERNEL_NAMES.map((name) => [name]))('%s', (name) => {
      setBackend('js');
      const want = plain(probes[name]());
      const { spy, calls } = counting(KERNELS[name].js);
      const got = plain(withKernelForTests(name, spy as never, probes[name]));
      expect(calls(), `the ops looked '${name}' up in the registry`).toBeGreaterThan(0);
      expect(got).toEqual(want);
    });
  });

  it("on the 'wasm' backend, the WebAssembly-backed kernels' functions run the registry's wasm implementations", () => {
    for (const name of WASM_KERNEL_NAMES) {
      const { spy, calls } = counting(KERNELS[name].wasm);
      withKernelForTests(name, spy as never, probes[name]);
      expect(calls(), name).toBeGreaterThan(0);
    }
  });
});

describe('withKernelForTests: swapping a kernel changes what the ops compute', () => {
  it('add runs the sub loop; exp runs the log loop; the registered kernels come back after', () => {
    const diff = withKernelForTests('add', KERNELS.sub.js, () => add(x, y));
    expect(plain(diff)).toEqual(plain(sub(x, y)));
    expect(plain(withKernelForTests('exp', KERNELS.log.js, () => exp(positive)))).toEqual(
      plain(log(positive)),
    );
    expect(Array.from(add(x, y).data)).toEqual([1.5, -3.5, 2.5, 4, -1.75, -3.5]);
  });

  it('on both backends, also for a WebAssembly-backed kernel (matmul above the WASM size threshold)', () => {
    const sevens: typeof KERNELS.matmul.js = (_a, _ao, _b, _bo, out, outOffset, m, _k, n) => {
      out.fill(7, outOffset, outOffset + m * n);
    };
    const a = new Float32Array(32 * 32).fill(1);
    for (const b of ['wasm', 'js'] as const) {
      setBackend(b);
      const out = new Float32Array(32 * 32);
      withKernelForTests('matmul', sevens, () => matmulKernel(a, 0, a, 0, out, 0, 32, 32, 32, false, false));
      expect(out.every((v) => v === 7)).toBe(true);
      matmulKernel(a, 0, a, 0, out, 0, 32, 32, 32, false, false);
      expect(out.every((v) => v === 32)).toBe(true);
    }
  });

  it('a reduction, a loop fed to the broadcast driver, and the driver itself', () => {
    const fortyTwo: typeof KERNELS.reduce.js = (_x, _lanes, out) => out.fill(42);
    expect(Array.from(withKernelForTests('reduce', fortyTwo, () => sum(x, 1)).data)).toEqual([42, 42]);
    const second: BinaryLoop = (_a, _pa, _sa, b, pb, sb, out, o, n) => {
      for (let j = 0; j < n; j++, pb += sb) out[o + j] = b[pb]!;
    };
    expect(Array.from(withKernelForTests('maximum', second, () => maximum(x, y)).data)).toEqual([
      1, -2, 0.5, 1, -2, 0.5,
    ]);
    const halves: UnaryLoop = (v, out, n) => {
      for (let i = 0; i < n; i++) out[i] = v[i]! / 2;
    };
    expect(Array.from(withKernelForTests('sqrt', halves, () => sqrt(positive)).data)).toEqual([
      0.25, 0.5, 2, 4.5,
    ]);
    const zeros: typeof KERNELS.unary.js = (_x, out) => out.fill(0);
    expect(Array.from(withKernelForTests('unary', zeros, () => tanh(x)).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('restores the kernel when fn throws, and refuses an async fn', () => {
    expect(() =>
      withKernelForTests('neg', KERNELS.abs.js, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(getKernel(KERNELS.neg)).toBe(KERNELS.neg.js);
    expect(() => withKernelForTests('neg', KERNELS.abs.js, async () => neg(x))).toThrow(
      /must be synchronous/,
    );
    expect(getKernel(KERNELS.neg)).toBe(KERNELS.neg.js);
  });

  it('checks the implementation against the kernel signature', () => {
    // @ts-expect-error: a unary loop is not a binary loop
    expect(() => withKernelForTests('add', KERNELS.neg.js, () => 0)).not.toThrow();
  });
});
