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

/** out[o, i] = fold over r of x[o, r, i], starting from `init`. */
export function reduceKernel(
  x: TypedArray,
  { outer, length, inner }: Lanes,
  out: TypedArray | Float64Array,
  init: number,
  step: (acc: number, value: number) => number,
): void {
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
