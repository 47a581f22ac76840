/**
 * Pooling loops on [N, C, H, W] planes (1-d pooling runs with H = 1), each window's rule as in
 * PyTorch's CPU kernels so values, indices and gradients match it, ties and NaN included.
 * Sums are taken in float64 and rounded once when stored.
 */

import type { Planes, Window } from '../ops/window';
import type { FloatArray } from './im2col';

/**
 * Max over each window: values in `out`, and in `indices` the flat position (ih·W + iw) of the
 * maximum in its plane. As torch: the first maximum wins ties, a NaN wins (the last NaN), a window
 * of −∞ reports its first valid position.
 */
export function maxPool(
  x: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  out: FloatArray,
  indices: Int32Array,
): void {
  const { height, width } = p;
  const { kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = win;
  const plane = height * width;
  const planes = p.batch * p.channels;
  let o = 0;
  for (let q = 0; q < planes; q++) {
    const base = q * plane;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * strideH - padTop;
      const h1 = Math.min(h0 + (kH - 1) * dilationH + 1, height);
      while (h0 < 0) h0 += dilationH;
      for (let ow = 0; ow < outW; ow++, o++) {
        let w0 = ow * strideW - padLeft;
        const w1 = Math.min(w0 + (kW - 1) * dilationW + 1, width);
        while (w0 < 0) w0 += dilationW;
        let best = -Infinity;
        let at = h0 * width + w0;
        for (let ih = h0; ih < h1; ih += dilationH) {
          for (let iw = w0; iw < w1; iw += dilationW) {
            const v = x[base + ih * width + iw]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = ih * width + iw;
            }
          }
        }
        out[o] = best;
        indices[o] = at;
      }
    }
  }
}

/**
 * Adds each output gradient to the input position its maximum came from (`dx` not cleared).
 * Returns the flat position of the first index outside [0, inPlane) (nothing is added for it or
 * after it), or −1 when all are valid.
 */
export function maxPoolBackward(
  gradOut: FloatArray,
  indices: Int32Array,
  planes: number,
  inPlane: number,
  outPlane: number,
  dx: FloatArray,
): number {
  for (let q = 0; q < planes; q++) {
    const src = q * outPlane;
    const dst = q * inPlane;
    for (let i = 0; i < outPlane; i++) {
      const at = indices[src + i]!;
      // One unsigned comparison checks both ends.
      if (at >>> 0 >= inPlane) return src + i;
      dx[dst + at]! += gradOut[src + i]!;
    }
  }
  return -1;
}

/** Average pooling's options beyond the window. */
export interface AvgRule {
  countIncludePad: boolean;
  /** Divide by this instead of the window's size (torch's `divisor_override`). */
  divisor: number | undefined;
}

/**
 * Calls `visit(h0, h1, w0, w1, scale)` for each window of average pooling, in output order:
 * the window clipped to the input and the divisor (torch's rule: it counts the padding inside the
 * padded input unless `countIncludePad` is false; an empty window gets ∞, so it averages to 0).
 */
function forEachAvgWindow(
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  rule: AvgRule,
  visit: (h0: number, h1: number, w0: number, w1: number, divisor: number) => void,
): void {
  const { height, width } = p;
  const { kH, kW, strideH, strideW, padTop, padLeft } = win;
  for (let oh = 0; oh < outH; oh++) {
    const top = oh * strideH - padTop;
    const bottom = Math.min(top + kH, height + padTop);
    const h0 = Math.max(top, 0);
    const h1 = Math.min(bottom, height);
    for (let ow = 0; ow < outW; ow++) {
      const left = ow * strideW - padLeft;
      const right = Math.min(left + kW, width + padLeft);
      const w0 = Math.max(left, 0);
      const w1 = Math.min(right, width);
      if (h0 >= h1 || w0 >= w1) {
        visit(h0, h0, w0, w0, Infinity);
        continue;
      }
      const divisor =
        rule.divisor ?? (rule.countIncludePad ? (bottom - top) * (right - left) : (h1 - h0) * (w1 - w0));
      visit(h0, h1, w0, w1, divisor);
    }
  }
}

/** Mean over each window (see `forEachAvgWindow` for the divisor). */
export function avgPool(
  x: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  rule: AvgRule,
  out: FloatArray,
): void {
  const { width } = p;
  const plane = p.height * width;
  const outPlane = outH * outW;
  for (let q = 0; q < p.batch * p.channels; q++) {
    const base = q * plane;
    let o = q * outPlane;
    forEachAvgWindow(p, win, outH, outW, rule, (h0, h1, w0, w1, divisor) => {
      let s = 0;
      for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) s += x[base + ih * width + iw]!;
      out[o++] = s / divisor;
    });
  }
}

/** Spreads each output gradient evenly (÷ divisor) over its window, into `dx` (not cleared). */
export function avgPoolBackward(
  gradOut: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  rule: AvgRule,
  dx: FloatArray,
): void {
  const { width } = p;
  const plane = p.height * width;
  const outPlane = outH * outW;
  for (let q = 0; q < p.batch * p.channels; q++) {
    const base = q * plane;
    let o = q * outPlane;
    forEachAvgWindow(p, win, outH, outW, rule, (h0, h1, w0, w1, divisor) => {
      const g = gradOut[o++]! / divisor;
      for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) dx[base + ih * width + iw]! += g;
    });
  }
}

/** Adaptive pooling's window along one dim: [⌊o·in/out⌋, ⌈(o + 1)·in/out⌉). */
export function adaptiveRange(o: number, size: number, outSize: number): [number, number] {
  return [Math.floor((o * size) / outSize), Math.ceil(((o + 1) * size) / outSize)];
}

/** Adaptive average pooling to outH × outW (`dx` given: the backward, spreading `src` into it). */
export function adaptiveAvgPool(
  src: FloatArray,
  p: Planes,
  outH: number,
  outW: number,
  dst: FloatArray,
  backward: boolean,
): void {
  const { height, width } = p;
  const plane = height * width;
  let o = 0;
  for (let q = 0; q < p.batch * p.channels; q++) {
    const base = q * plane;
    for (let oh = 0; oh < outH; oh++) {
      const [h0, h1] = adaptiveRange(oh, height, outH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const [w0, w1] = adaptiveRange(ow, width, outW);
        // Divided by each side in turn, as torch.
        const kh = h1 - h0;
        const kw = w1 - w0;
        if (backward) {
          const g = src[o]! / kh / kw;
          for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) dst[base + ih * width + iw]! += g;
        } else {
          let s = 0;
          for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) s += src[base + ih * width + iw]!;
          dst[o] = s / kh / kw;
        }
      }
    }
  }
}
