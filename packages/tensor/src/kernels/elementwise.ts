import type { TypedArray } from '../dtype';
import { sameShape } from '../shape';

/**
 * Elementwise loops over contiguous typed arrays. They know shapes and strides, not dtypes or
 * op names: the ops validate and pick the output dtype; writing into the output's typed array
 * does the final rounding (float32) or wrapping (int32).
 */

export type UnaryFn = (x: number) => number;
export type BinaryFn = (a: number, b: number) => number;

/** out[i] = fn(x[i]). */
export function unaryKernel(x: TypedArray, out: TypedArray, fn: UnaryFn): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = fn(x[i]!);
}

/**
 * out = fn(a, b) with a and b broadcast to `outShape` (both already known to broadcast).
 * Walks the output once; the innermost dim is a tight loop with fixed input strides.
 */
export function binaryKernel(
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
  fn: BinaryFn,
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n && sameShape(aShape, bShape)) {
    for (let i = 0; i < n; i++) out[i] = fn(a[i]!, b[i]!);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const s = b[0]!;
    for (let i = 0; i < n; i++) out[i] = fn(a[i]!, s);
    return;
  }
  if (a.length === 1 && b.length === n) {
    const s = a[0]!;
    for (let i = 0; i < n; i++) out[i] = fn(s, b[i]!);
    return;
  }
  const [shape, aStrides, bStrides] = collapse(outShape, aShape, bShape);
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const aInner = aStrides[rank - 1]!;
  const bInner = bStrides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; o < n; o += inner) {
    let pa = ai;
    let pb = bi;
    for (let j = 0; j < inner; j++) {
      out[o + j] = fn(a[pa]!, b[pb]!);
      pa += aInner;
      pb += bInner;
    }
    // Advance the odometer over the outer dims.
    for (let d = rank - 2; d >= 0; d--) {
      ai += aStrides[d]!;
      bi += bStrides[d]!;
      if (++index[d]! < shape[d]!) break;
      ai -= aStrides[d]! * shape[d]!;
      bi -= bStrides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}

/**
 * Broadcast strides of a and b against `outShape`, with adjacent dims merged where both inputs
 * walk them contiguously (so `[64,128] + [128]` runs as one loop of 128 per row, and
 * `[8,16,32] + [8,16,32]`-like cases collapse to one dim).
 */
function collapse(
  outShape: readonly number[],
  aShape: readonly number[],
  bShape: readonly number[],
): [number[], number[], number[]] {
  const rank = outShape.length;
  const aS = broadcastStridesOf(aShape, outShape);
  const bS = broadcastStridesOf(bShape, outShape);
  const shape: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = 0; d < rank; d++) {
    const size = outShape[d]!;
    if (size === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && as[last] === aS[d]! * size && bs[last] === bS[d]! * size) {
      shape[last] = shape[last]! * size;
      as[last] = aS[d]!;
      bs[last] = bS[d]!;
    } else {
      shape.push(size);
      as.push(aS[d]!);
      bs.push(bS[d]!);
    }
  }
  if (shape.length === 0) return [[1], [0], [0]];
  return [shape, as, bs];
}

function broadcastStridesOf(shape: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    out[target.length - shape.length + i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return out;
}
