import type { TypedArray } from '../dtype';
import { stridesOf } from '../shape';

/**
 * Copies `x` (contiguous, shape `shape`) into `out` laid out as `x` with its dims reordered by
 * `perm` (out dim i is x dim perm[i]). The inner loop walks the output contiguously.
 */
export function permuteKernel(
  x: TypedArray,
  shape: readonly number[],
  perm: readonly number[],
  out: TypedArray,
): void {
  const n = out.length;
  if (n === 0) return;
  const rank = perm.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  const inner = outShape[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let base = 0;
  for (let o = 0; o < n; o += inner) {
    let p = base;
    for (let j = 0; j < inner; j++) {
      out[o + j] = x[p]!;
      p += innerStride;
    }
    for (let d = rank - 2; d >= 0; d--) {
      base += strides[d]!;
      if (++index[d]! < outShape[d]!) break;
      base -= strides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}
