/**
 * The TypeScript form of the linear passes (`linearPasses.ts`): the `js` implementation of the
 * registry's `linearPasses` kernel, the reference, and the fallback of the WebAssembly one
 * (`linearPassesWasm.ts`), which gives the same values bit for bit.
 */

export type FloatData = Float32Array | Float64Array;

/**
 * The TypeScript form of biasRelu. Branchless (v·[v > 0] + 0 is +0 for finite v ≤ 0); only a
 * non-finite v makes it NaN, and then Math.max gives relu's answer: a branch almost never taken.
 */
export function biasReluLoop(y: FloatData, b: FloatData | null, rows: number, n: number): void {
  if (b === null) {
    for (let i = 0; i < rows * n; i++) {
      const v = y[i]!;
      const r = v * +(v > 0) + 0;
      y[i] = Number.isNaN(r) ? Math.max(v, 0) : r;
    }
    return;
  }
  for (let row = 0, o = 0; row < rows; row++, o += n) {
    for (let j = 0; j < n; j++) {
      const v = y[o + j]! + b[j]!;
      const r = v * +(v > 0) + 0;
      y[o + j] = Number.isNaN(r) ? Math.max(v, 0) : r;
    }
  }
}

/** The TypeScript form of maskRows. */
export function maskRowsLoop(
  g: FloatData,
  y: FloatData,
  gm: FloatData,
  sums: Float64Array | null,
  rows: number,
  n: number,
): void {
  if (sums === null) {
    for (let i = 0; i < rows * n; i++) {
      const gi = g[i]!;
      const yi = y[i]!;
      const r = gi * +(yi > 0) + 0;
      gm[i] = Number.isNaN(r) ? (yi > 0 ? gi : 0) : r;
    }
    return;
  }
  for (let row = 0, o = 0; row < rows; row++, o += n) {
    for (let j = 0; j < n; j++) {
      const gi = g[o + j]!;
      const yi = y[o + j]!;
      let r = gi * +(yi > 0) + 0;
      if (Number.isNaN(r)) r = yi > 0 ? gi : 0;
      gm[o + j] = r;
      sums[j]! += r;
    }
  }
}
