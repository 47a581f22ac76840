import type { TypedArray } from '../dtype';

/**
 * Reductions over the middle axis of a tensor viewed as [outer, length, inner]: every reduction
 * over one dim, or over a run of adjacent dims, has this layout with no copy (ops move other dim
 * sets next to each other first). The accumulator row of `inner` lanes keeps the reads
 * contiguous.
 */
export interface Lanes {
  outer: number;
  length: number;
  inner: number;
}

/** The folds with their own monomorphic loops (see `reduceKernel`). */
export type FoldKind = 'sum' | 'max' | 'min';

/**
 * out[o, i] = fold over r of x[o, r, i], starting from `init`. With `kind`, the fold runs as a
 * loop of its own (no call per element) and must equal `step`: 'sum' is acc + v, 'max'/'min' keep
 * the first NaN and otherwise the larger/smaller value.
 */
export function reduceKernel(
  x: TypedArray,
  lanes: Lanes,
  out: TypedArray | Float64Array,
  init: number,
  step: (acc: number, value: number) => number,
  kind?: FoldKind,
): void {
  if (kind === 'sum') {
    sumKernel(x, lanes, out);
    return;
  }
  if (kind === 'max' || kind === 'min') {
    extremeKernel(x, lanes, out, kind === 'max');
    return;
  }
  const { outer, length, inner } = lanes;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(init);
    const base = o * length * inner;
    for (let r = 0; r < length; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) acc[i] = step(acc[i]!, x[row + i]!);
    }
    out.set(acc, o * inner);
  }
}

/** Sums in float64, lane by lane (rows of `inner`), or as one running total when inner is 1. */
function sumKernel(x: TypedArray, { outer, length, inner }: Lanes, out: TypedArray | Float64Array): void {
  if (inner === 1) {
    for (let o = 0, p = 0; o < outer; o++) {
      let acc = 0;
      for (const end = p + length; p < end; p++) acc += x[p]!;
      out[o] = acc;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * length * inner;
    for (let r = 0; r < length; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) acc[i]! += x[row + i]!;
    }
    out.set(acc, o * inner);
  }
}

/** Max (largest) or min over the lanes; NaN wins, as in PyTorch. */
function extremeKernel(
  x: TypedArray,
  { outer, length, inner }: Lanes,
  out: TypedArray | Float64Array,
  largest: boolean,
): void {
  const init = largest ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(init);
    const base = o * length * inner;
    for (let r = 0; r < length; r++) {
      const row = base + r * inner;
      if (largest) {
        for (let i = 0; i < inner; i++) {
          const a = acc[i]!;
          const v = x[row + i]!;
          if (v > a || Number.isNaN(v)) acc[i] = Number.isNaN(a) ? a : v;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const a = acc[i]!;
          const v = x[row + i]!;
          if (v < a || Number.isNaN(v)) acc[i] = Number.isNaN(a) ? a : v;
        }
      }
    }
    out.set(acc, o * inner);
  }
}

/**
 * Index (along the reduced axis) of the first extreme value, as PyTorch returns it; NaN counts
 * as the extreme, as in PyTorch's max/argmax.
 */
export function argReduceKernel(
  x: TypedArray,
  { outer, length, inner }: Lanes,
  out: Int32Array,
  largest: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i]!;
      let bestIndex = 0;
      for (let r = 1; r < length && !Number.isNaN(best); r++) {
        const v = x[base + r * inner + i]!;
        if (Number.isNaN(v) || (largest ? v > best : v < best)) {
          best = v;
          bestIndex = r;
        }
      }
      out[o * inner + i] = bestIndex;
    }
  }
}
