import { madd } from './matmul';

/**
 * Convolution and pooling passes on float32 [N, C, H, W] planes (1-d ops run with H = 1), the
 * WebAssembly forms of src/kernels/im2col.ts and src/kernels/pool.ts (same values, bit for bit):
 * part of the kernel module (`index.ts`). Addresses are byte offsets into the kernel memory.
 * `geo` points to the window geometry as i32s: kH, kW, strideH, strideW, dilationH, dilationW,
 * padTop, padLeft, height, width, outH, outW, channels, batch.
 */

// @ts-expect-error: decorator
function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + ((<usize>i) << 2));
}

/** First and one-past-last output column whose input column ow·stride + start is in [0, width). */
// @ts-expect-error: decorator
function lowColumn(start: i32, stride: i32, outW: i32): i32 {
  const lo = start >= 0 ? 0 : (-start + stride - 1) / stride;
  return min(lo, outW);
}
// @ts-expect-error: decorator
function highColumn(start: i32, stride: i32, width: i32, outW: i32, lo: i32): i32 {
  const last = width - 1 - start;
  const hi = last < 0 ? 0 : min(outW, last / stride + 1);
  return max(hi, lo);
}

/**
 * cols[(c·kH + i)·kW + j, n·oH·oW + oh·oW + ow] = x[n, c, oh·sH − pT + i·dH, ow·sW − pL + j·dW]
 * (0 in the padding), every entry written.
 */
export function im2col(x: usize, cols: usize, geo: usize): void {
  const kH = g(geo, 0),
    kW = g(geo, 1),
    sH = g(geo, 2),
    sW = g(geo, 3),
    dH = g(geo, 4),
    dW = g(geo, 5);
  const pT = g(geo, 6),
    pL = g(geo, 7),
    height = g(geo, 8),
    width = g(geo, 9),
    outH = g(geo, 10),
    outW = g(geo, 11);
  const channels = g(geo, 12),
    batch = g(geo, 13);
  const plane = (<usize>(height * width)) << 2;
  const outRow = (<usize>outW) << 2;
  let dst = cols;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const start = j * dW - pL;
        const lo = lowColumn(start, sW, outW);
        const hi = highColumn(start, sW, width, outW, lo);
        for (let n = 0; n < batch; n++) {
          const src = x + <usize>(n * channels + c) * plane;
          for (let oh = 0; oh < outH; oh++, dst += outRow) {
            const ih = oh * sH - pT + i * dH;
            if (ih < 0 || ih >= height) {
              memory.fill(dst, 0, outRow);
              continue;
            }
            if (lo > 0) memory.fill(dst, 0, (<usize>lo) << 2);
            const from = src + ((<usize>(ih * width + lo * sW + start)) << 2);
            if (sW === 1) {
              memory.copy(dst + ((<usize>lo) << 2), from, (<usize>(hi - lo)) << 2);
            } else {
              const step = (<usize>sW) << 2;
              let s = from;
              for (let ow = lo; ow < hi; ow++, s += step) store<f32>(dst + ((<usize>ow) << 2), load<f32>(s));
            }
            if (hi < outW) memory.fill(dst + ((<usize>hi) << 2), 0, (<usize>(outW - hi)) << 2);
          }
        }
      }
    }
  }
}

/** The adjoint of `im2col`: each entry of cols added to dx at the position it was read from. */
export function col2im(cols: usize, dx: usize, geo: usize): void {
  const kH = g(geo, 0),
    kW = g(geo, 1),
    sH = g(geo, 2),
    sW = g(geo, 3),
    dH = g(geo, 4),
    dW = g(geo, 5);
  const pT = g(geo, 6),
    pL = g(geo, 7),
    height = g(geo, 8),
    width = g(geo, 9),
    outH = g(geo, 10),
    outW = g(geo, 11);
  const channels = g(geo, 12),
    batch = g(geo, 13);
  const plane = (<usize>(height * width)) << 2;
  const outRow = (<usize>outW) << 2;
  let src = cols;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const start = j * dW - pL;
        const lo = lowColumn(start, sW, outW);
        const hi = highColumn(start, sW, width, outW, lo);
        for (let n = 0; n < batch; n++) {
          const base = dx + <usize>(n * channels + c) * plane;
          for (let oh = 0; oh < outH; oh++, src += outRow) {
            const ih = oh * sH - pT + i * dH;
            if (ih < 0 || ih >= height) continue;
            let d = base + ((<usize>(ih * width + lo * sW + start)) << 2);
            let s = src + ((<usize>lo) << 2);
            let ow = lo;
            if (sW === 1) {
              for (; ow + 4 <= hi; ow += 4, d += 16, s += 16) {
                v128.store(d, f32x4.add(v128.load(d), v128.load(s)));
              }
            }
            const step = (<usize>sW) << 2;
            for (; ow < hi; ow++, d += step, s += 4) store<f32>(d, load<f32>(d) + load<f32>(s));
          }
        }
      }
    }
  }
}

/**
 * Max over each window into `out`, and the flat position in its plane of the first maximum into
 * `indices` (i32); a NaN wins, a window of −∞ reports its first valid position (torch's rule).
 */
export function maxPool(x: usize, out: usize, indices: usize, geo: usize): void {
  const kH = g(geo, 0),
    kW = g(geo, 1),
    sH = g(geo, 2),
    sW = g(geo, 3),
    dH = g(geo, 4),
    dW = g(geo, 5);
  const pT = g(geo, 6),
    pL = g(geo, 7),
    height = g(geo, 8),
    width = g(geo, 9),
    outH = g(geo, 10),
    outW = g(geo, 11);
  const planes = g(geo, 12) * g(geo, 13);
  if (
    kH === 2 &&
    kW === 2 &&
    sH === 2 &&
    sW === 2 &&
    dH === 1 &&
    dW === 1 &&
    pT === 0 &&
    pL === 0 &&
    2 * outH <= height &&
    2 * outW <= width
  ) {
    maxPool2x2(x, out, indices, height, width, outH, outW, planes);
    return;
  }
  const plane = (<usize>(height * width)) << 2;
  let o: usize = 0;
  for (let q = 0; q < planes; q++) {
    const base = x + <usize>q * plane;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pT;
      const h1 = min(h0 + (kH - 1) * dH + 1, height);
      while (h0 < 0) h0 += dH;
      for (let ow = 0; ow < outW; ow++, o += 4) {
        let w0 = ow * sW - pL;
        const w1 = min(w0 + (kW - 1) * dW + 1, width);
        while (w0 < 0) w0 += dW;
        let best = -Infinity as f32;
        let at = h0 * width + w0;
        for (let ih = h0; ih < h1; ih += dH) {
          for (let iw = w0; iw < w1; iw += dW) {
            const v = load<f32>(base + ((<usize>(ih * width + iw)) << 2));
            if (v > best || F32.isNaN(v)) {
              best = v;
              at = ih * width + iw;
            }
          }
        }
        store<f32>(out + o, best);
        store<i32>(indices + o, at);
      }
    }
  }
}

/**
 * 2×2 windows with stride 2 (LeNet's pooling), four outputs at a time: the four taps of each
 * window as lanes, compared in torch's order (row by row, strict >, NaN wins).
 */
function maxPool2x2(
  x: usize,
  out: usize,
  indices: usize,
  height: i32,
  width: i32,
  outH: i32,
  outW: i32,
  planes: i32,
): void {
  const plane = (<usize>(height * width)) << 2;
  const row = (<usize>width) << 2;
  const lanes = i32x4(0, 2, 4, 6);
  let o: usize = 0;
  for (let q = 0; q < planes; q++) {
    const base = x + <usize>q * plane;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + <usize>(2 * oh) * row;
      const r1 = r0 + row;
      const top = 2 * oh * width;
      let ow = 0;
      for (; ow + 4 <= outW; ow += 4, o += 16) {
        const at = (<usize>ow) << 3;
        const a0 = v128.load(r0 + at),
          a1 = v128.load(r0 + at, 16);
        const b0 = v128.load(r1 + at),
          b1 = v128.load(r1 + at, 16);
        const tl = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
        const tr = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        const bl = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        const br = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        const first = i32x4.add(lanes, i32x4.splat(top + 2 * ow));
        let best = tl;
        let index = first;
        let take = v128.or(f32x4.gt(tr, best), f32x4.ne(tr, tr));
        best = v128.bitselect(tr, best, take);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(1)), index, take);
        take = v128.or(f32x4.gt(bl, best), f32x4.ne(bl, bl));
        best = v128.bitselect(bl, best, take);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(width)), index, take);
        take = v128.or(f32x4.gt(br, best), f32x4.ne(br, br));
        best = v128.bitselect(br, best, take);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(width + 1)), index, take);
        v128.store(out + o, best);
        v128.store(indices + o, index);
      }
      for (; ow < outW; ow++, o += 4) {
        const c = (<usize>(2 * ow)) << 2;
        let best = load<f32>(r0 + c);
        let at = top + 2 * ow;
        let v = load<f32>(r0 + c + 4);
        if (v > best || F32.isNaN(v)) {
          best = v;
          at = top + 2 * ow + 1;
        }
        v = load<f32>(r1 + c);
        if (v > best || F32.isNaN(v)) {
          best = v;
          at = top + width + 2 * ow;
        }
        v = load<f32>(r1 + c + 4);
        if (v > best || F32.isNaN(v)) {
          best = v;
          at = top + width + 2 * ow + 1;
        }
        store<f32>(out + o, best);
        store<i32>(indices + o, at);
      }
    }
  }
}

/*
 * Direct convolution (stride 1, no dilation) for small channel counts, where im2col's column
 * matrix costs more than the arithmetic: x is zero-padded beforehand (`padPlanes`), so the inner
 * loops have no bounds; each step computes 4 output channels × 4 columns from one input load per
 * kernel tap. `cgeo` holds i32s: batch, inChannels, paddedH, paddedW, outChannels, kH, kW, outH,
 * outW (a multiple of 4 here: callers give outW rounded up and have the padded input wide enough).
 */

/** Copies planes [H, W] into zeroed planes [Hp, Wp] at row padTop, column padLeft. */
export function padPlanes(
  src: usize,
  dst: usize,
  planes: i32,
  height: i32,
  width: i32,
  paddedH: i32,
  paddedW: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const dstPlane = (<usize>(paddedH * paddedW)) << 2;
  memory.fill(dst, 0, <usize>planes * dstPlane);
  const row = (<usize>width) << 2;
  for (let q = 0; q < planes; q++) {
    let d = dst + <usize>q * dstPlane + ((<usize>(padTop * paddedW + padLeft)) << 2);
    let s = src + <usize>q * <usize>height * row;
    for (let h = 0; h < height; h++, s += row, d += (<usize>paddedW) << 2) memory.copy(d, s, row);
  }
}

/**
 * out[n, o, oh, ow] = bias[o] + Σ_c Σ_i Σ_j w[o, c, i, j] · xp[n, c, oh + i, ow + j] for ow < outW
 * (out rows outW apart); w has its output channels padded to a multiple of 4 with zeros, and
 * only the real `outChannels` are stored. `bias` 0: none.
 */
export function convDirect(xp: usize, w: usize, bias: usize, out: usize, cgeo: usize): void {
  const batch = g(cgeo, 0),
    channels = g(cgeo, 1),
    hp = g(cgeo, 2),
    wp = g(cgeo, 3);
  const outChannels = g(cgeo, 4),
    kH = g(cgeo, 5),
    kW = g(cgeo, 6),
    outH = g(cgeo, 7),
    outW = g(cgeo, 8);
  const taps = channels * kH * kW;
  const wStride = (<usize>taps) << 2;
  const inPlane = (<usize>(hp * wp)) << 2;
  const outPlane = (<usize>(outH * outW)) << 2;
  const rowBytes = (<usize>wp) << 2;
  for (let n = 0; n < batch; n++) {
    const xn = xp + <usize>n * <usize>channels * inPlane;
    for (let o0 = 0; o0 < outChannels; o0 += 4) {
      const w0 = w + <usize>o0 * wStride;
      const w1 = w0 + wStride,
        w2 = w1 + wStride,
        w3 = w2 + wStride;
      const b0 = bias === 0 ? f32x4.splat(0) : v128.load32_splat(bias + ((<usize>o0) << 2));
      const b1 =
        bias === 0 || o0 + 1 >= outChannels
          ? f32x4.splat(0)
          : v128.load32_splat(bias + ((<usize>(o0 + 1)) << 2));
      const b2 =
        bias === 0 || o0 + 2 >= outChannels
          ? f32x4.splat(0)
          : v128.load32_splat(bias + ((<usize>(o0 + 2)) << 2));
      const b3 =
        bias === 0 || o0 + 3 >= outChannels
          ? f32x4.splat(0)
          : v128.load32_splat(bias + ((<usize>(o0 + 3)) << 2));
      for (let oh = 0; oh < outH; oh++) {
        let ow = 0;
        // Two column vectors at a time: each weight load feeds two multiply-adds.
        for (; ow + 8 <= outW; ow += 8) {
          let a0 = b0,
            a1 = b1,
            a2 = b2,
            a3 = b3;
          let c0 = b0,
            c1 = b1,
            c2 = b2,
            c3 = b3;
          let t: usize = 0;
          for (let c = 0; c < channels; c++) {
            let row = xn + <usize>c * inPlane + <usize>oh * rowBytes + ((<usize>ow) << 2);
            for (let i = 0; i < kH; i++, row += rowBytes) {
              for (let j = 0; j < kW; j++, t += 4) {
                const v = v128.load(row + ((<usize>j) << 2));
                const u = v128.load(row + ((<usize>j) << 2), 16);
                let k = v128.load32_splat(w0 + t);
                a0 = madd(v, k, a0);
                c0 = madd(u, k, c0);
                k = v128.load32_splat(w1 + t);
                a1 = madd(v, k, a1);
                c1 = madd(u, k, c1);
                k = v128.load32_splat(w2 + t);
                a2 = madd(v, k, a2);
                c2 = madd(u, k, c2);
                k = v128.load32_splat(w3 + t);
                a3 = madd(v, k, a3);
                c3 = madd(u, k, c3);
              }
            }
          }
          const at = out + <usize>n * <usize>outChannels * outPlane + ((<usize>(oh * outW + ow)) << 2);
          storeChannels(at, outPlane, o0, outChannels, a0, a1, a2, a3);
          storeChannels(at + 16, outPlane, o0, outChannels, c0, c1, c2, c3);
        }
        for (; ow < outW; ow += 4) {
          let a0 = b0,
            a1 = b1,
            a2 = b2,
            a3 = b3;
          let t: usize = 0;
          for (let c = 0; c < channels; c++) {
            let row = xn + <usize>c * inPlane + <usize>oh * rowBytes + ((<usize>ow) << 2);
            for (let i = 0; i < kH; i++, row += rowBytes) {
              for (let j = 0; j < kW; j++, t += 4) {
                const v = v128.load(row + ((<usize>j) << 2));
                a0 = madd(v, v128.load32_splat(w0 + t), a0);
                a1 = madd(v, v128.load32_splat(w1 + t), a1);
                a2 = madd(v, v128.load32_splat(w2 + t), a2);
                a3 = madd(v, v128.load32_splat(w3 + t), a3);
              }
            }
          }
          const at = out + <usize>n * <usize>outChannels * outPlane + ((<usize>(oh * outW + ow)) << 2);
          storeChannels(at, outPlane, o0, outChannels, a0, a1, a2, a3);
        }
      }
    }
  }
}

/** Stores four channels' vectors at `at`, `outPlane` bytes apart, skipping channels past `outChannels`. */
function storeChannels(
  at: usize,
  outPlane: usize,
  o0: i32,
  outChannels: i32,
  a0: v128,
  a1: v128,
  a2: v128,
  a3: v128,
): void {
  v128.store(at + <usize>o0 * outPlane, a0);
  if (o0 + 1 < outChannels) v128.store(at + <usize>(o0 + 1) * outPlane, a1);
  if (o0 + 2 < outChannels) v128.store(at + <usize>(o0 + 2) * outPlane, a2);
  if (o0 + 3 < outChannels) v128.store(at + <usize>(o0 + 3) * outPlane, a3);
}

/**
 * dw[o, c, i, j] = Σ_n Σ_oh Σ_ow g[n, o, oh, ow] · xp[n, c, oh + i, ow + j], g's rows outW apart
 * (a multiple of 4, zero past the real width) and its channels padded to a multiple of 4 with
 * zeros; dw [outChannels padded, taps] is overwritten.
 */
export function convWeightGrad(xp: usize, gp: usize, dw: usize, cgeo: usize): void {
  const batch = g(cgeo, 0),
    channels = g(cgeo, 1),
    hp = g(cgeo, 2),
    wp = g(cgeo, 3);
  const outChannels = g(cgeo, 4),
    kH = g(cgeo, 5),
    kW = g(cgeo, 6),
    outH = g(cgeo, 7),
    outW = g(cgeo, 8);
  const padded = (outChannels + 3) & ~3;
  const taps = channels * kH * kW;
  const inPlane = (<usize>(hp * wp)) << 2;
  const outPlane = (<usize>(outH * outW)) << 2;
  const rowBytes = (<usize>wp) << 2;
  for (let o0 = 0; o0 < padded; o0 += 4) {
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < kH; i++) {
        for (let j = 0; j < kW; j++) {
          let a0 = f32x4.splat(0),
            a1 = f32x4.splat(0),
            a2 = f32x4.splat(0),
            a3 = f32x4.splat(0);
          for (let n = 0; n < batch; n++) {
            let xrow = xp + <usize>(n * channels + c) * inPlane + <usize>i * rowBytes + ((<usize>j) << 2);
            let gq = gp + <usize>(n * padded + o0) * outPlane;
            for (let oh = 0; oh < outH; oh++, xrow += rowBytes) {
              for (let ow = 0; ow < outW; ow += 4, gq += 16) {
                const v = v128.load(xrow + ((<usize>ow) << 2));
                a0 = madd(v128.load(gq), v, a0);
                a1 = madd(v128.load(gq + outPlane), v, a1);
                a2 = madd(v128.load(gq + 2 * outPlane), v, a2);
                a3 = madd(v128.load(gq + 3 * outPlane), v, a3);
              }
            }
          }
          const t = (c * kH + i) * kW + j;
          store<f32>(dw + ((<usize>(o0 * taps + t)) << 2), horizontal(a0));
          store<f32>(dw + ((<usize>((o0 + 1) * taps + t)) << 2), horizontal(a1));
          store<f32>(dw + ((<usize>((o0 + 2) * taps + t)) << 2), horizontal(a2));
          store<f32>(dw + ((<usize>((o0 + 3) * taps + t)) << 2), horizontal(a3));
        }
      }
    }
  }
}

function horizontal(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}
