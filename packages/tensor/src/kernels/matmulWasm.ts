/**
 * The WebAssembly float32 matmul (`gemm` of the kernel module, source `assembly/matmul.ts`),
 * on one thread or, for large products, two (`matmulThreads.ts`). `matmulFloatWasm` is the
 * `wasm` implementation of the registry's `matmul` kernel: the products this kernel takes, and
 * the TypeScript kernel (`matmulFloat.ts`) for the others.
 *
 * Operands already in kernel memory (parameters live there) are read in place; the others are
 * copied into a staging block, and C is computed in it and copied out: O(mk + kn + mn) copies
 * against O(mkn) arithmetic. The staging block and the packing scratch are reused from call to
 * call. A product whose staging would pass `STAGING_LIMIT` runs instead on a private memory made
 * for it and dropped after, so one huge product does not leave kernel memory that large for good.
 */
import { activeKernels } from '../backend/backend';
import { heapF32, inKernelMemory, reserve, Staging } from '../backend/kernelMemory';
import { type KernelExports, oneOffInstance } from '../backend/kernelModule';
import { type FloatArray, matmulFloat } from './matmulFloat';
import { matmulThreadedF32, THREAD_MIN_WORK, threadsWanted, wakeHelper } from './matmulThreads';

/**
 * float32 products with at least this many multiply-adds (m·k·n) go to the WASM SIMD kernel
 * when the backend is `'wasm'`; below it, the fixed cost of a call into WebAssembly and the
 * operand copies outweigh its speed (measured: at 4×4×4 the TypeScript kernel is 1.2× faster,
 * at 8×8×8 the WASM one is 2×).
 */
export const WASM_MIN_WORK = 512;

/** Staging larger than this (bytes) runs on a one-off memory instead; tests lower it. */
let stagingLimit = 256 * 2 ** 20;

let scratch: number | undefined;
let staging = new Staging();

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** The packing scratch of this thread's `gemm` calls (reserved once; also the convolution's, `convGemm.ts`). */
export function gemmScratch(wasm: KernelExports): number | undefined {
  scratch ??= reserve(wasm.scratchBytes());
  return scratch;
}

/**
 * The registry's WebAssembly `matmul` (same contract as `matmulFloat`): float32 products of at
 * least `WASM_MIN_WORK` multiply-adds on the WebAssembly kernel, the others (and any it cannot
 * run) on the TypeScript one.
 */
export function matmulFloatWasm(
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // A dot product (m = n = 1) stays in TypeScript: the WASM tile (4×4 at least) would be 1/16
  // used and B's packing scalar, so the TypeScript dot product is 3–5× faster (measured at
  // k = 512 and 100 000). From m·n = 2 on, WASM is as fast or faster (3–7× for one row or one
  // column of 256 or more), its copies of A and B notwithstanding.
  if (
    out instanceof Float32Array &&
    m * k * n >= WASM_MIN_WORK &&
    m * n > 1 &&
    matmulWasmF32(
      a as Float32Array,
      aOffset,
      b as Float32Array,
      bOffset,
      out,
      outOffset,
      m,
      k,
      n,
      transA,
      transB,
    )
  ) {
    return;
  }
  matmulFloat(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
}

/**
 * `out[outOffset + i*n + j] = Σ_p A[i,p]·B[p,j]`, float32 accumulated in float32; the contract
 * of `matmulKernel` (which checks the arguments; the registry checks the backend). Returns false, having
 * done nothing, when WebAssembly SIMD is unavailable or memory cannot grow; the caller then runs
 * the TypeScript kernel. Requires m, k, n ≥ 1.
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
  reluBias?: Float32Array | null,
): boolean {
  const wasm = activeKernels();
  if (wasm === undefined) return false;
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const aInPlace = inKernelMemory(a);
  const bInPlace = inKernelMemory(b);
  const bytesA = aInPlace ? 0 : align(4 * sizeA);
  const bytesB = bInPlace ? 0 : align(4 * sizeB);
  // The epilogue's bias (zeros for relu alone), after C, unless it is in kernel storage.
  const epilogue = reluBias !== undefined;
  const biasInPlace = epilogue && reluBias !== null && inKernelMemory(reluBias);
  const bytesBias = epilogue && !biasInPlace ? 4 * n : 0;
  const bytes = bytesA + bytesB + align(4 * sizeC) + bytesBias;
  if (bytes > stagingLimit) {
    return !epilogue && oneOff(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
  }
  const twoThreads = m * k * n >= THREAD_MIN_WORK && threadsWanted();
  if (twoThreads) wakeHelper(m, n);
  const scratchPtr = gemmScratch(wasm);
  const base = staging.at(bytes);
  if (scratchPtr === undefined || base === undefined) return false;
  const heap = heapF32();
  const aPtr = aInPlace ? a.byteOffset + 4 * aOffset : base;
  const bPtr = bInPlace ? b.byteOffset + 4 * bOffset : base + bytesA;
  const cPtr = base + bytesA + bytesB;
  if (!aInPlace)
    heap.set(aOffset === 0 && a.length === sizeA ? a : a.subarray(aOffset, aOffset + sizeA), aPtr / 4);
  if (!bInPlace)
    heap.set(bOffset === 0 && b.length === sizeB ? b : b.subarray(bOffset, bOffset + sizeB), bPtr / 4);
  const threaded = twoThreads
    ? matmulThreadedF32(wasm, aPtr, bPtr, cPtr, m, k, n, transA, transB, scratchPtr)
    : 'declined';
  if (threaded === 'stuck') {
    // The helper may still write into this staging (C) and read it (A, B): leave the block to
    // it and let the caller compute in TypeScript.
    staging = new Staging();
    return false;
  }
  if (threaded === 'declined')
    wasm.gemm(aPtr, bPtr, cPtr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, scratchPtr);
  if (epilogue) {
    // relu(C + bias) on C where it lies, before the one copy out (`assembly/passes.ts`).
    let biasPtr = cPtr + align(4 * sizeC);
    if (biasInPlace) biasPtr = reluBias!.byteOffset;
    else if (reluBias === null) heap.fill(0, biasPtr / 4, biasPtr / 4 + n);
    else heap.set(reluBias, biasPtr / 4);
    wasm.biasRelu(cPtr, biasPtr, m, n);
  }
  out.set(heap.subarray(cPtr / 4, cPtr / 4 + sizeC), outOffset);
  return true;
}

/** A product too large to stage in kernel memory, on a private memory made for it (one thread). */
function oneOff(
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
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const run = oneOffInstance(
    (wasm) => align(wasm.scratchBytes()) + align(4 * sizeA) + align(4 * sizeB) + 4 * sizeC,
  );
  if (run === undefined) return false;
  const { wasm, base, heap } = run;
  const aPtr = base + align(wasm.scratchBytes());
  const bPtr = aPtr + align(4 * sizeA);
  const cPtr = bPtr + align(4 * sizeB);
  heap.set(a.subarray(aOffset, aOffset + sizeA), aPtr / 4);
  heap.set(b.subarray(bOffset, bOffset + sizeB), bPtr / 4);
  wasm.gemm(aPtr, bPtr, cPtr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, base);
  out.set(heap.subarray(cPtr / 4, cPtr / 4 + sizeC), outOffset);
  return true;
}

/** For tests: the staging size past which a product runs on a one-off memory; returns the previous one. */
export function setStagingLimit(bytes: number): number {
  const previous = stagingLimit;
  stagingLimit = bytes;
  return previous;
}
