/**
 * Convolution as a matrix product: `im2col` lays the input windows out as the columns of a
 * matrix, so a convolution is one product `W [O, C·kH·kW] · cols [C·kH·kW, N·oH·oW]`; `col2im`
 * sums such a matrix back into image positions (the input gradient, from `Wᵀ · gradOut`).
 *
 * Row r = (c·kH + i)·kW + j of `cols` holds, for every output position (n, oh, ow) in that order,
 * the input value x[n, c, oh·sH − padTop + i·dH, ow·sW − padLeft + j·dW], or 0 in the padding.
 * Putting the batch in the columns (not one product per sample) makes one large product even
 * for small images, and a group's rows are contiguous (channels are the outer index).
 */

import type { Planes, Window } from '../ops/window';

export type FloatArray = Float32Array | Float64Array;

/** The range of output columns `ow` whose input column ow·s − pad + offset lies in [0, width). */
function validRange(outW: number, width: number, stride: number, start: number): [number, number] {
  // iw = ow·stride + start, with start = j·dW − padLeft.
  const lo = start >= 0 ? 0 : Math.ceil(-start / stride);
  const hi = Math.min(outW, Math.floor((width - 1 - start) / stride) + 1);
  return [Math.min(lo, outW), Math.max(hi, Math.min(lo, outW))];
}

/**
 * Writes the columns of x's channels [c0, c0 + channels) into `cols` (rows × N·oH·oW, row-major,
 * overwritten entirely).
 */
export function im2col(
  x: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  c0: number,
  channels: number,
  cols: FloatArray,
): void {
  const { height, width, batch } = p;
  const { kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = win;
  const plane = height * width;
  const outPlane = outH * outW;
  const columns = batch * outPlane;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const row = ((c * kH + i) * kW + j) * columns;
        const startW = j * dilationW - padLeft;
        const [lo, hi] = validRange(outW, width, strideW, startW);
        for (let n = 0; n < batch; n++) {
          const src = (n * p.channels + c0 + c) * plane;
          let dst = row + n * outPlane;
          for (let oh = 0; oh < outH; oh++, dst += outW) {
            const ih = oh * strideH - padTop + i * dilationH;
            if (ih < 0 || ih >= height) {
              cols.fill(0, dst, dst + outW);
              continue;
            }
            if (lo > 0) cols.fill(0, dst, dst + lo);
            let s = src + ih * width + lo * strideW + startW;
            if (strideW === 1) {
              for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[s++]!;
            } else {
              for (let ow = lo; ow < hi; ow++, s += strideW) cols[dst + ow] = x[s]!;
            }
            if (hi < outW) cols.fill(0, dst + hi, dst + outW);
          }
        }
      }
    }
  }
}

/**
 * The adjoint of `im2col`: adds each entry of `cols` (rows of channels [c0, c0 + channels)) to the
 * input position it was read from, in `dx` (the padding's entries are dropped). `dx` is not
 * cleared first.
 */
export function col2im(
  cols: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  c0: number,
  channels: number,
  dx: FloatArray,
): void {
  const { height, width, batch } = p;
  const { kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = win;
  const plane = height * width;
  const outPlane = outH * outW;
  const columns = batch * outPlane;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const row = ((c * kH + i) * kW + j) * columns;
        const startW = j * dilationW - padLeft;
        const [lo, hi] = validRange(outW, width, strideW, startW);
        for (let n = 0; n < batch; n++) {
          const dstPlane = (n * p.channels + c0 + c) * plane;
          let src = row + n * outPlane;
          for (let oh = 0; oh < outH; oh++, src += outW) {
            const ih = oh * strideH - padTop + i * dilationH;
            if (ih < 0 || ih >= height) continue;
            let d = dstPlane + ih * width + lo * strideW + startW;
            for (let ow = lo; ow < hi; ow++, d += strideW) dx[d]! += cols[src + ow]!;
          }
        }
      }
    }
  }
}
