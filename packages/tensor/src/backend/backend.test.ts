import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { matmulKernel } from '../kernels/matmul';
import { matmulWasmF32, setStagingLimit } from '../kernels/matmulWasm';
import { Tensor } from '../Tensor';
import { backend, KERNEL_NAMES, kernelVariant, setBackend, WASM_KERNEL_NAMES, wasmKernels } from './backend';
import { backendInfo } from './backendInfo';
import { wasmFeatures } from './features';
import {
  allocateStorage,
  heapF32,
  inKernelMemory,
  kernelMemory,
  memoryStatsForTests,
  release,
  reserve,
} from './kernelMemory';
import { availableVariants } from './kernelModule';
import { kernelModuleSourceHash } from './kernelModule.generated';
import { copyToKernelStorage, isInKernelStorage, kernelStorageView, kernelStorageZeros } from './storage';

const nodeMajor = Number(process.versions.node.split('.')[0]);

afterEach(() => setBackend('wasm'));

describe('the embedded kernel module', () => {
  it('was generated from the current assembly/*.ts (else run `pnpm --filter @mtl/tensor build:wasm`)', () => {
    const dir = new URL('../../assembly/', import.meta.url);
    const hash = createHash('sha256');
    for (const f of readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .sort()) {
      hash.update(`${f}\n`).update(readFileSync(new URL(f, dir)));
    }
    expect(hash.digest('hex')).toBe(kernelModuleSourceHash);
  });

  it('runs here with the variant this runtime supports: relaxed SIMD (FMA) from Node 22, plain SIMD on Node 20', () => {
    expect(wasmFeatures().simd).toBe(true);
    expect(wasmFeatures().sharedMemory).toBe(true);
    expect(wasmFeatures().relaxedSimd).toBe(nodeMajor >= 22);
    expect(availableVariants()).toEqual(nodeMajor >= 22 ? ['relaxed-simd', 'simd'] : ['simd']);
    expect(kernelVariant()).toBe(nodeMajor >= 22 ? 'relaxed-simd' : 'simd');
    expect(backendInfo()).toMatchObject({
      backend: 'wasm',
      variant: nodeMajor >= 22 ? 'relaxed-simd' : 'simd',
      storage: 'shared',
    });
  });
});

describe('setBackend', () => {
  it("'js' turns every kernel to TypeScript; a kernel override switches one", () => {
    setBackend('js');
    expect(backend()).toBe('js');
    expect(backend('matmul')).toBe('js');
    expect(backendInfo()).toMatchObject({ backend: 'js', variant: 'js', storage: 'none' });
    setBackend('wasm', { kernels: ['matmul'] });
    expect(backend('matmul')).toBe('wasm');
    expect(backend('optimizerUpdates')).toBe('js');
    setBackend('wasm');
    expect(backend('optimizerUpdates')).toBe('wasm');
    setBackend('js', { kernels: ['linearPasses'] });
    expect([backend('matmul'), backend('linearPasses')]).toEqual(['wasm', 'js']);
  });

  it('accepts every registered kernel; those without a WebAssembly build run TypeScript either way', () => {
    expect(KERNEL_NAMES.slice(0, WASM_KERNEL_NAMES.length)).toEqual([...WASM_KERNEL_NAMES]);
    expect(KERNEL_NAMES).toContain('add');
    expect(KERNEL_NAMES).toContain('reduce');
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    setBackend('js', { kernels: ['add', 'reduce'] });
    expect([backend('add'), backend('reduce'), backend('matmul')]).toEqual(['js', 'js', 'wasm']);
    setBackend('wasm', { kernels: ['add'] });
    expect(backend('add')).toBe('js');
    setBackend('js');
    setBackend('wasm', { kernels: ['sub', 'matmul'] });
    expect([backend('sub'), backend('matmul'), backend('linearPasses')]).toEqual(['js', 'wasm', 'js']);
  });

  it('pins the plain SIMD build; refuses a variant that does not run here', () => {
    setBackend('wasm', { variant: 'simd' });
    expect(kernelVariant()).toBe('simd');
    setBackend('wasm');
    expect(kernelVariant()).toBe(availableVariants()[0]);
    if (nodeMajor < 22) {
      expect(() => setBackend('wasm', { variant: 'relaxed-simd' })).toThrow(
        /setBackend: variant 'relaxed-simd' does not run here \(available: simd\)/,
      );
    }
  });

  it('refuses bad arguments with the fix', () => {
    expect(() => setBackend('gpu' as never)).toThrow(
      /setBackend: backend must be 'wasm' or 'js' — got "gpu"/,
    );
    expect(() => setBackend('wasm', { kernel: ['matmul'] } as never)).toThrow(
      /setBackend: unknown option "kernel" \(known: kernels, variant\)/,
    );
    expect(() => setBackend('wasm', { kernels: ['conv'] } as never)).toThrow(
      /kernels must be an array of kernel names: 'matmul', 'linearPasses', 'optimizerUpdates', 'im2col', 'col2im', 'maxPool', 'directConv', 'convGemm', 'rowProducts' \(the ones with a WebAssembly build\) or any other name in KERNEL_NAMES — got \["conv"\]/,
    );
    expect(() => setBackend('js', { variant: 'simd' })).toThrow(/a variant goes with 'wasm'/);
  });
});

/** A float64 reference product and the float32 tolerance of Σ|a||b|. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const want = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        want[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
        scale[i * n + j]! += Math.abs(a[i * k + p]! * b[p * n + j]!);
      }
    }
  }
  return { want, scale };
}

function operands(m: number, k: number, n: number) {
  let s = 7;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    return ((s >>> 8) / 2 ** 24) * 2 - 1;
  };
  return { a: Float32Array.from({ length: m * k }, next), b: Float32Array.from({ length: k * n }, next) };
}

describe('matmul on every variant', () => {
  it.each(availableVariants())('%s: within float32 accumulation error of float64, many shapes', (variant) => {
    setBackend('wasm', { variant });
    for (const [m, k, n] of [
      [1, 700, 9],
      [5, 3, 7],
      [33, 65, 17],
      [64, 64, 64],
      [70, 129, 31],
      [256, 64, 128],
    ] as const) {
      const { a, b } = operands(m, k, n);
      const out = new Float32Array(m * n);
      expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, false, false)).toBe(true);
      const { want, scale } = reference(a, b, m, k, n);
      for (let i = 0; i < m * n; i++) {
        expect(Math.abs(out[i]! - want[i]!), `${variant} ${m}×${k}×${n} [${i}]`).toBeLessThanOrEqual(
          1e-6 * scale[i]! + 1e-30,
        );
      }
    }
  });

  it('the variants agree within tolerance (FMA rounds once, mul + add twice)', () => {
    if (availableVariants().length < 2) return;
    const [m, k, n] = [96, 200, 80];
    const { a, b } = operands(m, k, n);
    const results = availableVariants().map((variant) => {
      setBackend('wasm', { variant });
      const out = new Float32Array(m * n);
      matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, false, true);
      return out;
    });
    for (let i = 0; i < m * n; i++) expect(Math.abs(results[0]![i]! - results[1]![i]!)).toBeLessThan(1e-4);
  });

  it('reads operands in kernel storage in place, and stages the others', () => {
    const [m, k, n] = [40, 30, 20];
    const { a, b } = operands(m, k, n);
    const stored = allocateStorage(k * n)!;
    stored.set(b);
    const inPlace = new Float32Array(m * n);
    const staged = new Float32Array(m * n);
    matmulWasmF32(a, 0, stored, 0, inPlace, 0, m, k, n, false, false);
    matmulWasmF32(a, 0, b, 0, staged, 0, m, k, n, false, false);
    expect(Array.from(inPlace)).toEqual(Array.from(staged));
  });

  it('a product whose staging passes the limit runs on a one-off memory, with the same result', () => {
    const [m, k, n] = [120, 90, 110];
    const { a, b } = operands(m, k, n);
    const expected = new Float32Array(m * n);
    setBackend('wasm', { variant: 'simd' });
    matmulWasmF32(a, 0, b, 0, expected, 0, m, k, n, true, false);
    const before = kernelMemory()!.buffer.byteLength;
    const previous = setStagingLimit(1024);
    try {
      const out = new Float32Array(m * n);
      expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, true, false)).toBe(true);
      expect(Array.from(out)).toEqual(Array.from(expected));
      expect(kernelMemory()!.buffer.byteLength).toBe(before);
    } finally {
      setStagingLimit(previous);
    }
  });
});

describe('kernel storage', () => {
  it('a tensor in kernel storage keeps its data when the memory grows (shared memory does not detach)', () => {
    const t = copyToKernelStorage(new Tensor(new Float32Array([1, 2, 3]), [3]));
    expect(isInKernelStorage(t)).toBe(true);
    const before = kernelMemory()!.buffer.byteLength;
    const big = reserve(before * 2)!; // forces growth
    expect(kernelMemory()!.buffer.byteLength).toBeGreaterThan(before);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    t.data[1] = 5;
    expect(heapF32()[t.data.byteOffset / 4 + 1]).toBe(5);
    release(big, before * 2);
  });

  it('float64 and int32 tensors are copied to the JS heap; zeros are zero', () => {
    const t = copyToKernelStorage(new Tensor(new Float64Array([1, 2]), [2]));
    expect(t.dtype).toBe('float64');
    expect(isInKernelStorage(t)).toBe(false);
    const z = kernelStorageZeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(isInKernelStorage(z)).toBe(true);
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(inKernelMemory(new Float32Array(4))).toBe(false);
  });

  it('only storage arrays and their kernelStorageViews count as storage; a view keeps its owner alive', async () => {
    const owner = kernelStorageZeros([64]).data as Float32Array;
    expect(inKernelMemory(owner)).toBe(true);
    expect(inKernelMemory(owner.subarray(8, 16)), 'a plain subarray does not keep the block alive').toBe(
      false,
    );
    const view = kernelStorageView(owner, 8, 8);
    expect(inKernelMemory(view)).toBe(true);
    expect(inKernelMemory(kernelStorageView(view, 2, 2))).toBe(true);
    expect(() => kernelStorageView(owner, 60, 8)).toThrow(/kernelStorageView: length must be/);
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) return;
    // Only the view is kept: its block must not be handed out again.
    let kept: Float32Array | undefined = kernelStorageView(
      kernelStorageZeros([1024]).data as Float32Array,
      0,
      1024,
    );
    kept.fill(7);
    for (let round = 0; round < 2; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let i = 0; i < 50; i++) (kernelStorageZeros([1024]).data as Float32Array).fill(1);
    expect(kept.every((v) => v === 7)).toBe(true);
    kept = undefined;
  });

  it('released blocks are reused: the memory does not grow over many allocate/release rounds', () => {
    const size = memoryStatsForTests().size;
    for (let i = 0; i < 1000; i++) {
      const a = reserve(4096)!;
      const b = reserve(100)!;
      release(a, 4096);
      release(b, 100);
    }
    expect(memoryStatsForTests().size).toBe(size);
  });

  it('storage nothing references any more is freed once garbage-collected', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) return; // needs --expose-gc (the test script passes it)
    let free = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) allocateStorage(64 * 1024);
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
      free = memoryStatsForTests().free;
    }
    expect(free).toBeGreaterThanOrEqual(100 * 256 * 1024);
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
  ])('%s: the backend reports js, storage falls back, float32 products use TypeScript', async (_, fake) => {
    const saved = (globalThis as Record<symbol, unknown>)[Symbol.for('@mtl/tensor kernel memory 1')];
    delete (globalThis as Record<symbol, unknown>)[Symbol.for('@mtl/tensor kernel memory 1')];
    try {
      vi.resetModules();
      vi.stubGlobal('WebAssembly', fake());
      const { matmulKernel: kernel } = await import('../kernels/matmul');
      const b = await import('./backend');
      const info = await import('./backendInfo');
      const storage = await import('./storage');
      const { Tensor: FreshTensor } = await import('../Tensor');
      expect(b.backend()).toBe('js');
      expect(info.backendInfo()).toMatchObject({ backend: 'js', variant: 'js', threads: 1 });
      expect(b.wasmKernels('matmul')).toBeUndefined();
      const t = storage.copyToKernelStorage(new FreshTensor(new Float32Array([1, 2]), [2]));
      expect(storage.isInKernelStorage(t)).toBe(false);
      // float64 accumulation (the TypeScript kernel) keeps the 2^-24 terms that float32 loses.
      const [m, k, n] = [16, 3, 16];
      const a = new Float32Array(m * k).fill(1);
      const bb = new Float32Array(k * n).fill(2 ** -24).fill(1, 0, n);
      const out = new Float32Array(m * n);
      kernel(a, 0, bb, 0, out, 0, m, k, n, false, false);
      expect(Array.from(out)).toEqual(new Array(m * n).fill(1 + 2 ** -23));
    } finally {
      Object.defineProperty(globalThis, Symbol.for('@mtl/tensor kernel memory 1'), {
        value: saved,
        configurable: true,
      });
    }
  });
});

it('wasmKernels gives the instance only on the wasm backend', () => {
  expect(wasmKernels('matmul')).toBeDefined();
  setBackend('js', { kernels: ['matmul'] });
  expect(wasmKernels('matmul')).toBeUndefined();
  // And the kernel follows: float64 accumulation (TypeScript) keeps the 2^-24 terms that the
  // WebAssembly kernel's float32 sums lose.
  const [m, k, n] = [16, 3, 16];
  const a = new Float32Array(m * k).fill(1);
  const b = new Float32Array(k * n).fill(2 ** -24).fill(1, 0, n);
  const out = new Float32Array(m * n);
  matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, false);
  expect(Array.from(out)).toEqual(new Array(m * n).fill(1 + 2 ** -23));
  setBackend('wasm');
  matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, false);
  expect(Array.from(out)).toEqual(new Array(m * n).fill(1));
});
