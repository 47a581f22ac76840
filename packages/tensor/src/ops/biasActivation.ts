import { erf } from '../kernels/erf';
import type { LinearActivation } from './linear';
import { sigmoidScalar } from './math';

type FloatData = Float32Array | Float64Array;

/**
 * y[r, j] = act(y[r, j] + bias[j]) in place, over `rows` rows of `n` (no bias: act(y[r, j])): the
 * elementwise pass of {@link linear} after its product. y and bias have the same dtype.
 *
 * The values are those of the separate ops, bit for bit: the sum is rounded to y's dtype (it is
 * stored, then read back) before the activation sees it, as `add` then the activation op would;
 * relu(NaN) = NaN, relu(−∞) = +0 and relu(−0) = +0 (as `relu`); gelu is the exact, erf-based form
 * of `gelu` (the same erf kernel), silu and sigmoid use `sigmoid`'s overflow-free formula.
 */
export function biasActivation(
  y: FloatData,
  bias: FloatData | null,
  rows: number,
  n: number,
  activation: LinearActivation,
): void {
  if (activation === 'relu') {
    // relu commutes with rounding, so it can read the unrounded sum: one pass, no store-and-read.
    biasRelu(y, bias, rows, n);
    return;
  }
  if (bias !== null) addBias(y, bias, rows, n);
  const size = rows * n;
  switch (activation) {
    case 'none':
      return;
    case 'gelu':
      for (let i = 0; i < size; i++) {
        const v = y[i]!;
        y[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
      }
      return;
    case 'silu':
      for (let i = 0; i < size; i++) {
        const v = y[i]!;
        y[i] = v * sigmoidScalar(v);
      }
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) y[i] = Math.tanh(y[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < size; i++) y[i] = sigmoidScalar(y[i]!);
      return;
  }
}

/** y[r, j] += bias[j]: the store rounds to y's dtype, as `add` does. */
function addBias(y: FloatData, bias: FloatData, rows: number, n: number): void {
  for (let row = 0, o = 0; row < rows; row++, o += n) {
    for (let j = 0; j < n; j++) y[o + j]! += bias[j]!;
  }
}

/**
 * Branchless (v·[v > 0] + 0 is v for v > 0 and +0 for finite v ≤ 0; a sign-dependent branch
 * mispredicts half the time on real activations); only a non-finite v makes it NaN, and then
 * Math.max gives relu's answer (NaN for NaN, +0 for −∞): a branch almost never taken.
 */
function biasRelu(y: FloatData, bias: FloatData | null, rows: number, n: number): void {
  if (bias === null) {
    for (let i = 0; i < rows * n; i++) {
      const v = y[i]!;
      const r = v * +(v > 0) + 0;
      y[i] = Number.isNaN(r) ? Math.max(v, 0) : r;
    }
    return;
  }
  for (let row = 0, o = 0; row < rows; row++, o += n) {
    for (let j = 0; j < n; j++) {
      const v = y[o + j]! + bias[j]!;
      const r = v * +(v > 0) + 0;
      y[o + j] = Number.isNaN(r) ? Math.max(v, 0) : r;
    }
  }
}
