/**
 * Resampling loops for `interpolate` on [N, C, H, W] planes (1-d runs with H = 1). Each output
 * row and column reads one source index (nearest) or two with weights (linear), computed per
 * dim once by `axisTable` with PyTorch 1.13's rules, so values and gradients match it.
 */

import type { FloatArray } from './im2col';

/** One dim's sampling: for output i, sources `i0[i]`, `i1[i]` with weights `w0[i]`, `w1[i]`. */
export interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

/**
 * The table of one dim resized from `size` to `outSize`; `scaleFactor` is the user's factor for
 * this dim when given (torch then maps coordinates with 1/scaleFactor rather than size/outSize).
 *
 * - nearest: i = min(⌊dst·scale⌋, size − 1) with scale and product in float32, as torch's
 *   `nearest_idx` (identity when the sizes are equal, dst >> 1 when the output is twice the size);
 * - linear: src = scale·dst (alignCorners, scale = (size − 1)/(outSize − 1)) or
 *   max(scale·(dst + ½) − ½, 0); i0 = ⌊src⌋, i1 = i0 + 1 unless at the end, w1 = src − i0; a
 *   dim whose size does not change is copied (src = dst), as torch does.
 */
export function axisTable(
  size: number,
  outSize: number,
  mode: 'nearest' | 'linear',
  alignCorners: boolean,
  scaleFactor: number | undefined,
): AxisTable {
  const t: AxisTable = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float64Array(outSize),
    w1: new Float64Array(outSize),
  };
  if (mode === 'nearest') {
    const scale = Math.fround(scaleFactor !== undefined ? 1 / scaleFactor : size / outSize);
    for (let d = 0; d < outSize; d++) {
      const i =
        outSize === size
          ? d
          : outSize === 2 * size
            ? d >> 1
            : Math.min(Math.floor(Math.fround(d * scale)), size - 1);
      t.i0[d] = i;
      t.i1[d] = i;
      t.w0[d] = 1;
    }
    return t;
  }
  const scale = alignCorners
    ? outSize > 1
      ? (size - 1) / (outSize - 1)
      : 0
    : scaleFactor !== undefined
      ? 1 / scaleFactor
      : size / outSize;
  for (let d = 0; d < outSize; d++) {
    // torch copies a dim whose size does not change, whatever the scale factor.
    const src = size === outSize ? d : alignCorners ? scale * d : Math.max(scale * (d + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), size - 1);
    const w1 = Math.min(Math.max(src - i0, 0), 1);
    t.i0[d] = i0;
    t.i1[d] = i0 < size - 1 ? i0 + 1 : i0;
    t.w0[d] = 1 - w1;
    t.w1[d] = w1;
  }
  return t;
}

/**
 * out[q, oh, ow] = the source of (oh, ow) (`nearest`) or Σ of its four sources, weighted — or, with `backward`,
 * the adjoint: each gradient entry of `src` (the output's shape) spread into `dst` (the input's,
 * not cleared) with the same weights.
 */
export function resample(
  src: FloatArray,
  planes: number,
  height: number,
  width: number,
  rows: AxisTable,
  cols: AxisTable,
  dst: FloatArray,
  nearest: boolean,
  backward: boolean,
): void {
  // Nearest copies (a 0 weight times ∞ would make NaN); linear weighs all four, as torch.
  const outH = rows.i0.length;
  const outW = cols.i0.length;
  const inPlane = height * width;
  let o = 0;
  for (let q = 0; q < planes; q++) {
    const base = q * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + rows.i0[oh]! * width;
      const r1 = base + rows.i1[oh]! * width;
      const a0 = rows.w0[oh]!;
      const a1 = rows.w1[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const c0 = cols.i0[ow]!;
        const c1 = cols.i1[ow]!;
        const b0 = cols.w0[ow]!;
        const b1 = cols.w1[ow]!;
        if (nearest) {
          if (backward) dst[r0 + c0]! += src[o]!;
          else dst[o] = src[r0 + c0]!;
        } else if (backward) {
          const g = src[o]!;
          dst[r0 + c0]! += g * a0 * b0;
          dst[r0 + c1]! += g * a0 * b1;
          dst[r1 + c0]! += g * a1 * b0;
          dst[r1 + c1]! += g * a1 * b1;
        } else {
          dst[o] =
            a0 * (b0 * src[r0 + c0]! + b1 * src[r0 + c1]!) + a1 * (b0 * src[r1 + c0]! + b1 * src[r1 + c1]!);
        }
      }
    }
  }
}
