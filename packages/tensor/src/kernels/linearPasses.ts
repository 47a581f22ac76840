/**
 * The two elementwise passes of a fused linear + relu: the bias and relu after the product
 * (forward), and the relu mask with the bias gradient's column sums (backward; the mask alone is
 * also relu's backward), run by the registry's `linearPasses` kernel. float32 rows whose length
 * is a multiple of 4 run in the kernel module (`linearPassesWasm.ts`), everything else, the
 * `'js'` backend and environments without WebAssembly SIMD run the TypeScript loops
 * (`linearPassesLoops.ts`), which give the same values bit for bit.
 *
 * Semantics, the same on both paths: relu(v) is max(v, 0) with relu(NaN) = NaN, relu(−∞) = 0 and
 * relu(−0) = +0 (WASM's f32x4.max, JS's Math.max); the mask passes g where y > 0 and +0
 * elsewhere (also where g is ±∞ or NaN); the column sums are float64 sums of the masked values,
 * row by row.
 */

import { backend } from '../backend/backend';
import { getKernel, KERNELS } from '../backend/registry';
import type { FloatData } from './linearPassesLoops';
import { matmulWasmF32, WASM_MIN_WORK } from './matmulWasm';

export { biasReluLoop, maskRowsLoop } from './linearPassesLoops';

/** y[r, j] = relu(y[r, j] + b[j]) in place (no bias: relu(y) in place). */
export function biasRelu(y: FloatData, b: FloatData | null, rows: number, n: number): void {
  getKernel(KERNELS.linearPasses).biasRelu(y, b, rows, n);
}

/**
 * gm = g·[y > 0] (+0 where y ≤ 0, even for a non-finite g), and, when `sums` is given, its
 * column sums added into `sums` (float64).
 */
export function maskRows(
  g: FloatData,
  y: FloatData,
  gm: FloatData,
  sums: Float64Array | null,
  rows: number,
  n: number,
): void {
  getKernel(KERNELS.linearPasses).maskRows(g, y, gm, sums, rows, n);
}

/**
 * out = relu(x·wᵀ + b) for float32 x (m×k), w (n×k) and b (n, or null), fused in the kernel
 * module: the product, then the bias and relu on C where it lies, and one copy out (the unfused
 * path copies C out, then in and out again for `biasRelu`). The same values bit for bit. Returns
 * false, having done nothing, where it does not apply (`matmul` or `linearPasses` not on
 * WebAssembly, n not a multiple of 4, a product too small for the kernel module): run `matmul`
 * and `biasRelu` then.
 */
export function linearReluInto(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
): boolean {
  if (n % 4 !== 0 || m * k * n < WASM_MIN_WORK || m * n <= 1) return false;
  if (backend('matmul') !== 'wasm' || backend('linearPasses') !== 'wasm') return false;
  return matmulWasmF32(x, 0, w, 0, out, 0, m, k, n, false, true, b);
}
