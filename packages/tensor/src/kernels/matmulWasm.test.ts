import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { matmulWasmF32, setReleaseBytes, wasmMatmulAvailable, wasmMemoryForTests } from './matmulWasm';
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
    const initialBytes = wasmMemoryForTests()?.buffer.byteLength ?? 0;
    const [m, k, n] = [700, 300, 600]; // ~3.6 MB of operands: past the initial 64 KiB page
    const a = new Float32Array(m * k).fill(0.5);
    const b = new Float32Array(k * n).fill(2);
    const out = new Float32Array(m * n);
    expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, false, false)).toBe(true);
    expect(out.every((x) => x === k)).toBe(true);
    const memory = wasmMemoryForTests()!;
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const buffer = memory.buffer;
    expect(buffer.byteLength).toBeGreaterThan(initialBytes);
    expect(buffer.byteLength).toBeGreaterThanOrEqual(4 * (m * k + k * n + m * n));
    const small = new Float32Array(4);
    expect(smallProduct(small)).toBe(true);
    expect(Array.from(small)).toEqual([1, 3, 2, 4]); // Aᵀ·I
    // The same instance and memory, not grown (growing detaches the old buffer) nor shrunk.
    expect(wasmMemoryForTests()).toBe(memory);
    expect(memory.buffer).toBe(buffer);
    expect(buffer.byteLength).toBeGreaterThanOrEqual(4 * (m * k + k * n + m * n));
  });

  it('drops a memory grown past the release size, and makes a fresh one for the next product', () => {
    const previous = setReleaseBytes(2 * 2 ** 20);
    try {
      const before = wasmMemoryForTests();
      const [m, k, n] = [700, 300, 600]; // ~3.6 MB of operands: past the 2 MiB release size
      const out = new Float32Array(m * n);
      const a = new Float32Array(m * k).fill(0.5);
      const b = new Float32Array(k * n).fill(2);
      expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, false, false)).toBe(true);
      expect(out.every((x) => x === k)).toBe(true);
      expect(wasmMemoryForTests(), 'released after the call').toBeUndefined();
      const small = new Float32Array(4);
      expect(smallProduct(small)).toBe(true);
      expect(Array.from(small)).toEqual([1, 3, 2, 4]);
      const fresh = wasmMemoryForTests()!;
      expect(fresh).toBeInstanceOf(WebAssembly.Memory);
      expect(fresh).not.toBe(before);
      expect(fresh.buffer.byteLength).toBeLessThanOrEqual(2 * 2 ** 20);
      // Below the release size it is kept.
      expect(smallProduct(small)).toBe(true);
      expect(wasmMemoryForTests()).toBe(fresh);
    } finally {
      setReleaseBytes(previous);
    }
  });
});

/** Aᵀ·I for A = [[1, 2], [3, 4]] into `out` through the WASM kernel. */
function smallProduct(out: Float32Array): boolean {
  const a = new Float32Array([1, 2, 3, 4]);
  return matmulWasmF32(a, 0, new Float32Array([1, 0, 0, 1]), 0, out, 0, 2, 2, 2, true, false);
}

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
