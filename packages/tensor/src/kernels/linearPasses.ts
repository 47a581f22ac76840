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

import { getKernel, KERNELS } from '../backend/registry';
import type { FloatData } from './linearPassesLoops';

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
