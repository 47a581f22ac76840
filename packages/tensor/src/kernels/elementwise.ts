import type { TypedArray } from '../dtype';
import { sameShape } from '../shape';

/**
 * Elementwise loops over contiguous typed arrays. They know shapes and strides, not dtypes or
 * op names: the ops validate and pick the output dtype; writing into the output's typed array
 * does the final rounding (float32) or wrapping (int32).
 *
 * Speed: a loop that calls a per-op callback (`fn`) sees a different function from every op, so
 * V8 cannot inline it (about 5–7 ns an element). The common ops therefore come with their own
 * loops (`BinaryLoop`/`UnaryLoop`, below), each with the arithmetic written inline, monomorphic in
 * the op; the kernels pick the loop once per call (or once per row), never per element.
 */

export type UnaryFn = (x: number) => number;
export type BinaryFn = (a: number, b: number) => number;

/**
 * out[o + j] = a[pa + j·sa] ∘ b[pb + j·sb] for j < n: one row of a broadcast binary op (a stride of
 * 0 repeats a value).
 */
export type BinaryLoop = (
  a: TypedArray,
  pa: number,
  sa: number,
  b: TypedArray,
  pb: number,
  sb: number,
  out: TypedArray,
  o: number,
  n: number,
) => void;

/** out[i] = f(x[i]) for i < n. */
export type UnaryLoop = (x: TypedArray, out: TypedArray, n: number) => void;

/* The binary loops of the common ops. Each is its own function so its inner loop stays monomorphic. */

export const addLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  if (sa === 1 && sb === 1) {
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! + b[pb + j]!;
  } else if (sa === 1 && sb === 0) {
    const s = b[pb]!;
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! + s;
  } else {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! + b[pb]!;
  }
};

export const subLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  if (sa === 1 && sb === 1) {
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! - b[pb + j]!;
  } else if (sa === 1 && sb === 0) {
    const s = b[pb]!;
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! - s;
  } else {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! - b[pb]!;
  }
};

export const mulLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  if (sa === 1 && sb === 1) {
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! * b[pb + j]!;
  } else if (sa === 1 && sb === 0) {
    const s = b[pb]!;
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! * s;
  } else {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! * b[pb]!;
  }
};

export const divLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  if (sa === 1 && sb === 1) {
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]! / b[pb + j]!;
  } else {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! / b[pb]!;
  }
};

export const maximumLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = Math.max(a[pa]!, b[pb]!);
};

export const minimumLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = Math.min(a[pa]!, b[pb]!);
};

export const eqLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! === b[pb]! ? 1 : 0;
};

export const neLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! !== b[pb]! ? 1 : 0;
};

export const ltLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! < b[pb]! ? 1 : 0;
};

export const leLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! <= b[pb]! ? 1 : 0;
};

export const gtLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! > b[pb]! ? 1 : 0;
};

export const geLoop: BinaryLoop = (a, pa, sa, b, pb, sb, out, o, n) => {
  for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = a[pa]! >= b[pb]! ? 1 : 0;
};

/** A loop that only copies a (b is ignored): broadcasting a tensor to a larger shape. */
export const copyLoop: BinaryLoop = (a, pa, sa, _b, _pb, _sb, out, o, n) => {
  if (sa === 1) {
    for (let j = 0; j < n; j++) out[o + j] = a[pa + j]!;
  } else if (sa === 0) {
    out.fill(a[pa]!, o, o + n);
  } else {
    for (let j = 0; j < n; j++, pa += sa) out[o + j] = a[pa]!;
  }
};

/** A binary loop calling `fn` per element: the fallback for ops without their own loop. */
function callbackLoop(fn: BinaryFn): BinaryLoop {
  return (a, pa, sa, b, pb, sb, out, o, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) out[o + j] = fn(a[pa]!, b[pb]!);
  };
}

/* The unary loops of the common ops. */

export const negLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = -x[i]!;
};
export const absLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
};
export const squareLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = v * v;
  }
};
export const expLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
};
export const logLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
};
export const sqrtLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
};
export const tanhLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
};
export const reluLoop: UnaryLoop = (x, out, n) => {
  // Branchless (a sign-dependent branch mispredicts half the time on real activations):
  // v·[v > 0] + 0 is v for v > 0 and +0 for finite v ≤ 0. `bad` turns NaN when some v is not
  // finite (−∞·0 is NaN): then the Math.max loop redoes it (relu(NaN) = NaN, relu(−∞) = 0).
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = v * +(v > 0) + 0;
    bad += v * 0;
  }
  if (Number.isNaN(bad)) for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
};
export const sigmoidLoop: UnaryLoop = (x, out, n) => {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v >= 0) {
      out[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
};

/** out[i] = fn(x[i]); `loop`, when given, does the same without the per-element call. */
export function unaryKernel(x: TypedArray, out: TypedArray, fn: UnaryFn, loop?: UnaryLoop): void {
  const n = out.length;
  if (loop !== undefined) {
    loop(x, out, n);
    return;
  }
  for (let i = 0; i < n; i++) out[i] = fn(x[i]!);
}

/**
 * out = fn(a, b) with a and b broadcast to `outShape` (both already known to broadcast).
 * Walks the output once; the innermost dim runs as one row with fixed input strides. `loop`,
 * when given, computes the same as `fn` row by row without a call per element.
 */
export function binaryKernel(
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
  fn: BinaryFn,
  loop?: BinaryLoop,
): void {
  const n = out.length;
  if (n === 0) return;
  const row = loop ?? callbackLoop(fn);
  if (a.length === n && b.length === n && sameShape(aShape, bShape)) {
    row(a, 0, 1, b, 0, 1, out, 0, n);
    return;
  }
  if (b.length === 1 && a.length === n) {
    row(a, 0, 1, b, 0, 0, out, 0, n);
    return;
  }
  if (a.length === 1 && b.length === n) {
    row(a, 0, 0, b, 0, 1, out, 0, n);
    return;
  }
  const [shape, aStrides, bStrides] = collapse(outShape, aShape, bShape);
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const aInner = aStrides[rank - 1]!;
  const bInner = bStrides[rank - 1]!;
  if (rank === 2) {
    // The usual broadcast ([m, n] with a row or a column): no odometer.
    const aOuter = aStrides[0]!;
    const bOuter = bStrides[0]!;
    for (let r = 0, o = 0; o < n; r++, o += inner)
      row(a, r * aOuter, aInner, b, r * bOuter, bInner, out, o, inner);
    return;
  }
  const index = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; o < n; o += inner) {
    row(a, ai, aInner, b, bi, bInner, out, o, inner);
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
