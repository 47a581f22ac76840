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
 * seen); after a product that needed more than 256 MiB the instance is dropped, so its
 * memory can be garbage-collected, and a fresh one is made on the next call. The operands are
 * copied in and the result out: O(mk + kn + mn) copies against O(mkn) arithmetic. The per-call
 * cost outside the kernel is kept to those three copies: the layout addresses and one float32
 * view of the memory are cached (the view is remade only when the memory grows), and a whole
 * operand array is copied as is, without a subarray view.
 */
import { compileSimdModule } from '../wasm/compileSimdModule';
import { alignBytes as align, growMemory } from '../wasm/wasmMemory';
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

/** Memory above this after a call is given back (the instance is dropped); tests lower it. */
let releaseBytes = 256 * 2 ** 20;

/** undefined: not tried yet; null: unavailable here. */
let compiled: WebAssembly.Module | null | undefined;
let instance: MatmulExports | undefined;
/** Byte address of the scratch area and of the first operand in `instance`'s memory (fixed per instance). */
let scratchPtr = 0;
let dataPtr = 0;
/** A float32 view of the whole memory, remade only when the memory grows (its buffer changes). */
let heap = new Float32Array(0);

function getInstance(): MatmulExports | undefined {
  if (instance) return instance;
  if (compiled === undefined) compiled = compileSimdModule(matmulWasmBase64);
  if (compiled === null) return undefined;
  try {
    const exports = new WebAssembly.Instance(compiled, {}).exports as unknown as MatmulExports;
    scratchPtr = align(exports.heapBase());
    dataPtr = align(scratchPtr + exports.scratchBytes());
    heap = new Float32Array(exports.memory.buffer);
    instance = exports;
  } catch {
    compiled = null;
  }
  return instance;
}

/** Whether this JS environment runs the WASM SIMD kernel (compiles it on the first call). */
export function wasmMatmulAvailable(): boolean {
  return getInstance() !== undefined;
}

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
  const wasm = instance ?? getInstance();
  if (!wasm) return false;
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const aPtr = dataPtr;
  const bPtr = align(aPtr + 4 * sizeA);
  const cPtr = align(bPtr + 4 * sizeB);
  const end = cPtr + 4 * sizeC;
  if (end > 2 ** 32) return false;
  if (heap.byteLength < end) {
    // Out of memory for WASM: the TypeScript kernel works on the JS heap.
    if (!growMemory(wasm.memory, end)) return false;
    heap = new Float32Array(wasm.memory.buffer);
  }
  // Whole arrays (the usual case: a tensor's own buffer) are copied without making a subarray.
  heap.set(aOffset === 0 && a.length === sizeA ? a : a.subarray(aOffset, aOffset + sizeA), aPtr / 4);
  heap.set(bOffset === 0 && b.length === sizeB ? b : b.subarray(bOffset, bOffset + sizeB), bPtr / 4);
  wasm.gemm(aPtr, bPtr, cPtr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, scratchPtr);
  out.set(heap.subarray(cPtr / 4, cPtr / 4 + sizeC), outOffset);
  if (heap.byteLength > releaseBytes) {
    instance = undefined;
    heap = new Float32Array(0);
  }
  return true;
}

/**
 * For tests: the current instance's memory (undefined before the first product and after a
 * release), to see whether a product reused it.
 */
export function wasmMemoryForTests(): WebAssembly.Memory | undefined {
  return instance?.memory;
}

/** For tests: the memory size past which the instance is dropped after a call; returns the previous one. */
export function setReleaseBytes(bytes: number): number {
  const previous = releaseBytes;
  releaseBytes = bytes;
  return previous;
}
