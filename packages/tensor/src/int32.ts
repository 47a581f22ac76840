/**
 * The int32 rule, one for the whole package: an int32 tensor only ever holds the exact integer
 * a computation meant. Creating one from values that are not integers in [−2^31, 2^31 − 1], and
 * any int32 arithmetic or reduction whose exact result does not fit, throws a ValueError naming
 * the op — instead of wrapping modulo 2^32 as typed arrays (and PyTorch's int32 kernels) do.
 * The fix is to compute in float64. Only int32 pays for the checks; float paths are unchanged.
 * The one exception is the explicit cast `x.to('int32')`, which truncates toward zero (and
 * still refuses NaN, ±Infinity and values out of range).
 */
import { formatValue, ValueError } from './errors';

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** True for an integer that int32 holds exactly. */
export function fitsInt32(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** Throws unless `v` (named `what` in the message) can be stored in an int32 tensor as it is. */
export function requireInt32Value(op: string, what: string, v: number): number {
  if (!fitsInt32(v)) throw int32Error(op, what, v);
  return v;
}

/**
 * `values` (exact results computed in float64) as an Int32Array, or a ValueError at the first
 * one int32 cannot hold.
 */
export function toInt32(op: string, values: ArrayLike<number>, what = 'the int32 result'): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!fitsInt32(v)) throw int32Error(op, `${what} at flat index ${i}`, v);
    out[i] = v;
  }
  return out;
}

/** The error for a value an int32 tensor cannot hold (exported for checks that find it their own way). */
export function int32Error(op: string, what: string, v: number): ValueError {
  const problem =
    Number.isFinite(v) && !Number.isInteger(v) ? 'is not an integer' : 'does not fit int32 [-2^31, 2^31 - 1]';
  return new ValueError(
    `${op}: ${what} ${problem} — got ${formatValue(v)} (int32 never wraps or rounds silently; ` +
      "compute in float64: use { dtype: 'float64' } or x.to('float64'))",
  );
}
