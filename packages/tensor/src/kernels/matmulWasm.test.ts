import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { matmulWasmF32, wasmMatmulAvailable } from './matmulWasm';
import { matmulWasmSourceHash } from './wasm/matmulWasm.generated';

describe('the embedded WASM module', () => {
  it('was generated from the current assembly/matmul.ts (else run `pnpm --filter @mtl/tensor build:wasm`)', () => {
    const source = readFileSync(new URL('../../assembly/matmul.ts', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(matmulWasmSourceHash);
  });

  it('loads in Node 20 (WebAssembly SIMD is on by default)', () => {
    expect(wasmMatmulAvailable()).toBe(true);
  });

  it('grows its memory for a large product, then for a small one reuses it', () => {
    const [m, k, n] = [700, 300, 600]; // ~3.6 MB of operands: past the initial 64 KiB page
    const a = new Float32Array(m * k).fill(0.5);
    const b = new Float32Array(k * n).fill(2);
    const out = new Float32Array(m * n);
    expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, false, false)).toBe(true);
    expect(out.every((x) => x === k)).toBe(true);
    const small = new Float32Array(4);
    expect(
      matmulWasmF32(
        new Float32Array([1, 2, 3, 4]),
        0,
        new Float32Array([1, 0, 0, 1]),
        0,
        small,
        0,
        2,
        2,
        2,
        true,
        false,
      ),
    ).toBe(true);
    expect(Array.from(small)).toEqual([1, 3, 2, 4]); // Aᵀ·I
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
  ])('%s: the backend reports js and float32 products use the TypeScript kernel', async (_, fake) => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', fake());
    const { matmulKernel } = await import('./matmul');
    const backend = await import('./matmulBackend');
    const wasm = await import('./matmulWasm');
    expect(wasm.wasmMatmulAvailable()).toBe(false);
    expect(backend.matmulBackend()).toBe('js');
    // float64 accumulation (the TypeScript kernel) keeps the 2^-24 terms that float32 loses.
    const [m, k, n] = [16, 3, 16];
    const a = new Float32Array(m * k).fill(1);
    const b = new Float32Array(k * n).fill(2 ** -24).fill(1, 0, n);
    const out = new Float32Array(m * n);
    expect(wasm.matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, false, false)).toBe(false);
    matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, false);
    expect(Array.from(out)).toEqual(new Array(m * n).fill(1 + 2 ** -23));
  });
});
