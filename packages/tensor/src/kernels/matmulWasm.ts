/**
 * The WASM SIMD float32 matmul (source: `assembly/matmul.ts`, embedded as base64 in
 * `wasm/matmulWasm.generated.ts`), loaded lazily and synchronously on first use.
 *
 * Loading: `WebAssembly.validate` of a tiny SIMD module first (feature detection), then
 * `new WebAssembly.Module(bytes)` and `new WebAssembly.Instance(...)`: synchronous, which is fine
 * for a module of a few KiB in Node, in a Worker and on a browser's main thread. If anything
 * fails (no WebAssembly, no SIMD, a Content-Security-Policy without `wasm-unsafe-eval`), the
 * kernel reports itself unavailable and callers use the TypeScript kernel.
 *
 * Memory: one linear memory per JS realm (module instance), laid out per call as
 * [scratch (packed panels, ~640 KiB) | A | B | C]. It grows on demand (to the largest product
 * seen); after a product that needed more than `RELEASE_BYTES` the instance is dropped, so its
 * memory can be garbage-collected, and a fresh one is made on the next call. The operands are
 * copied in and the result out: O(mk + kn + mn) copies against O(mkn) arithmetic.
 */
import { matmulWasmBase64 } from './wasm/matmulWasm.generated';

interface MatmulExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  scratchBytes(): number;
  gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    transB: number,
    scratch: number,
  ): void;
}

/** A module with one function returning a v128 (`i32.const 0; i8x16.splat; i8x16.popcnt`). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/** Memory above this after a call is given back (the instance is dropped). */
const RELEASE_BYTES = 256 * 2 ** 20;
const PAGE = 65536;

/** undefined: not tried yet; null: unavailable here. */
let compiled: WebAssembly.Module | null | undefined;
let instance: MatmulExports | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function compile(): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return null;
    return new WebAssembly.Module(decodeBase64(matmulWasmBase64));
  } catch {
    return null;
  }
}

function getInstance(): MatmulExports | undefined {
  if (instance) return instance;
  if (compiled === undefined) compiled = compile();
  if (compiled === null) return undefined;
  try {
    instance = new WebAssembly.Instance(compiled, {}).exports as unknown as MatmulExports;
  } catch {
    compiled = null;
  }
  return instance;
}

/** Whether this JS environment runs the WASM SIMD kernel (compiles it on the first call). */
export function wasmMatmulAvailable(): boolean {
  return getInstance() !== undefined;
}

const align = (x: number) => (x + 63) & ~63;

/**
 * `out[outOffset + i*n + j] = Σ_p A[i,p]·B[p,j]` in WASM SIMD, float32 accumulated in float32;
 * the same contract as `matmulKernel` (which checks the arguments before calling this). Returns
 * false, having done nothing, if WASM SIMD is unavailable or memory cannot grow; the caller then
 * uses the TypeScript kernel. Requires m, k, n ≥ 1.
 */
export function matmulWasmF32(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  out: Float32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): boolean {
  const wasm = getInstance();
  if (!wasm) return false;
  const scratch = align(wasm.heapBase());
  const aPtr = align(scratch + wasm.scratchBytes());
  const bPtr = align(aPtr + 4 * m * k);
  const cPtr = align(bPtr + 4 * k * n);
  const end = cPtr + 4 * m * n;
  const memory = wasm.memory;
  if (end > 2 ** 32) return false;
  if (memory.buffer.byteLength < end) {
    try {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    } catch {
      return false; // out of memory for WASM: the TypeScript kernel works on the JS heap
    }
  }
  const buffer = memory.buffer;
  new Float32Array(buffer, aPtr, m * k).set(a.subarray(aOffset, aOffset + m * k));
  new Float32Array(buffer, bPtr, k * n).set(b.subarray(bOffset, bOffset + k * n));
  wasm.gemm(aPtr, bPtr, cPtr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, scratch);
  out.set(new Float32Array(buffer, cPtr, m * n), outOffset);
  if (buffer.byteLength > RELEASE_BYTES) instance = undefined;
  return true;
}
