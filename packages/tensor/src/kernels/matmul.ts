/**
 * The matrix-multiply kernel: `out[m×n] = A[m×k] · B[k×n]` on flat, row-major typed arrays.
 *
 * It knows nothing about tensors. The `matmul` op validates shapes, promotes dtypes and calls it
 * once per (broadcast) batch element with offsets into the batched buffers.
 *
 * `matmulKernel` checks the arguments and runs the float products on the registry's `matmul`
 * kernel (`getKernel(KERNELS.matmul)`): on the `'wasm'` backend, float32 products of at least
 * `WASM_MIN_WORK` multiply-adds (except dot products, m = n = 1) go to the WebAssembly kernel
 * (`matmulWasm.ts`, source in `assembly/matmul.ts`; float32 accumulated in float32, as in
 * PyTorch) where WebAssembly SIMD is available; those of at least `THREAD_MIN_WORK` are shared
 * with a helper Worker where a second core is available (`matmulThreads.ts`; same results bit
 * for bit). Everything else runs the TypeScript kernel (`matmulFloat.ts`: a blocked, packed
 * kernel summing in float64), which stays the reference and the fallback.
 *
 * int32 has its own blocked i-k-j loop with `Math.imul` and `| 0` (`matmulInt32.ts`): products
 * and sums wrap modulo 2^32 exactly as two's-complement int32 arithmetic does (what PyTorch's
 * int32 matmul gives in practice), whatever the summation order.
 */

import { getKernel, KERNELS } from '../backend/registry';
import type { FloatArray } from './matmulFloat';
import { matmulInt32 } from './matmulInt32';

export { WASM_MIN_WORK } from './matmulWasm';

/** The typed arrays the kernel accepts. */
export type MatmulArray = Float32Array | Float64Array | Int32Array;

/**
 * `out[outOffset + i*n + j] = Σ_p A[i,p]·B[p,j]` for `i < m`, `j < n` (overwrites; k = 0 gives
 * zeros).
 *
 * @param a A stored row-major from `aOffset`: m×k, or k×m when `transA` (a holds Aᵀ).
 * @param b B stored row-major from `bOffset`: k×n, or n×k when `transB` (b holds Bᵀ).
 * @param out m×n row-major from `outOffset`; must not overlap `a` or `b`.
 * @param transA `a` holds Aᵀ (k×m row-major), e.g. a transposed view that was not copied.
 * @param transB `b` holds Bᵀ (n×k row-major), e.g. a Linear layer's `[out, in]` weight.
 *
 * All three arrays have the same type. float32 on the WASM path is accumulated in float32 (error
 * up to about k ulps of Σ|a·b|, like PyTorch); on the TypeScript path in float64 and rounded
 * once; float64 is summed in float64 (blocked order, so it may differ from a naive loop in the
 * last bits); int32 wraps modulo 2^32. Throws a RangeError if a size is not a non-negative
 * integer or a region runs past its array.
 */
export function matmulKernel<T extends MatmulArray>(
  a: T,
  aOffset: number,
  b: T,
  bOffset: number,
  out: T,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  checkDim('m', m);
  checkDim('k', k);
  checkDim('n', n);
  checkRegion('a', a, aOffset, m * k);
  checkRegion('b', b, bOffset, k * n);
  checkRegion('out', out, outOffset, m * n);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return;
  }
  if (out instanceof Int32Array) {
    matmulInt32(a as Int32Array, aOffset, b as Int32Array, bOffset, out, outOffset, m, k, n, transA, transB);
  } else {
    getKernel(KERNELS.matmul)(
      a as FloatArray,
      aOffset,
      b as FloatArray,
      bOffset,
      out as FloatArray,
      outOffset,
      m,
      k,
      n,
      transA,
      transB,
    );
  }
}

function checkDim(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new RangeError(`matmulKernel: ${name} must be a non-negative integer, got ${value}`);
  }
}

function checkRegion(name: string, array: MatmulArray, offset: number, size: number): void {
  if (!(Number.isInteger(offset) && offset >= 0 && offset + size <= array.length)) {
    throw new RangeError(
      `matmulKernel: ${name} needs ${size} elements from offset ${offset}, but its length is ${array.length}`,
    );
  }
}
