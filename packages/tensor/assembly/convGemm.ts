/**
 * Convolution as one matrix product without a column matrix: the product's B operand, im2col's
 * columns (`conv.ts`), is packed for the micro-kernel straight from the image, block by block,
 * as `gemm` goes (`gemmIm2col` in `matmul.ts`). That skips writing the column matrix and reading
 * it back to pack it, two passes over C·kH·kW times the input per sample (2.4 MB for a 3×3
 * 64-channel layer on 32×32), which cost as much as a fifth of the product. Part of the kernel
 * module (`index.ts`); `geo` is the window geometry block of `conv.ts`.
 */

/** Columns per packed strip: the micro-kernel's NR (`matmul.ts`). */
const STRIP: i32 = 8;

// @ts-expect-error: decorator
function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + ((<usize>i) << 2));
}

/**
 * Packs rows p0..p0+kc and columns j0..j0+nc of im2col's matrix of the images at `x` (row
 * (c·kH + i)·kW + j, column n·oH·oW + oh·oW + ow; 0 in the padding) as `packBN` packs B: strips
 * of 8 columns, each depth-major, columns past nc zero. A strip within one output row whose
 * windows all lie inside the image (at stride 1 in W) is two vector loads per row; any other
 * strip goes lane by lane, with bounds checks. The caller pads the images beforehand where that
 * makes every strip of a row the first kind (3× faster to pack on a 3×3 layer with padding 1).
 */
export function packIm2col(x: usize, geo: usize, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const kH = g(geo, 0),
    kW = g(geo, 1),
    sH = g(geo, 2),
    sW = g(geo, 3),
    dH = g(geo, 4),
    dW = g(geo, 5),
    pT = g(geo, 6),
    pL = g(geo, 7),
    height = g(geo, 8),
    width = g(geo, 9),
    outW = g(geo, 11);
  const outPlane = g(geo, 10) * outW;
  const taps = kH * kW;
  // The tap (c, i, j) of row p0; each row after it steps j, then i, then c.
  const c0 = p0 / taps;
  const i0 = (p0 % taps) / kW;
  const t0 = p0 % kW;
  for (let jr = 0; jr < nc; jr += STRIP, dst += (<usize>(kc * STRIP)) << 2) {
    const q = j0 + jr;
    const lanes = min(STRIP, nc - jr);
    const n = q / outPlane;
    const oh = (q % outPlane) / outW;
    const ow = q % outW;
    const top = oh * sH - pT;
    const left = ow - pL;
    if (
      sW === 1 &&
      lanes === STRIP &&
      ow + STRIP <= outW &&
      top >= 0 &&
      top + (kH - 1) * dH < height &&
      left >= 0 &&
      left + (kW - 1) * dW + STRIP <= width
    ) {
      packRow(x, geo, n, top, left, c0, i0, t0, kc, dst);
    } else {
      packLanes(x, geo, n, oh, ow, lanes, c0, i0, t0, kc, dst);
    }
  }
}

/**
 * One strip of 8 columns whose windows lie inside the image, from row `top` and column `left` of
 * sample n: 8 contiguous floats per tap, the source stepping with the tap (j, then i, then c).
 */
function packRow(
  x: usize,
  geo: usize,
  n: i32,
  top: i32,
  left: i32,
  c: i32,
  i: i32,
  j: i32,
  kc: i32,
  dst: usize,
): void {
  const kH = g(geo, 0),
    kW = g(geo, 1),
    dH = g(geo, 4),
    dW = g(geo, 5),
    height = g(geo, 8),
    width = g(geo, 9),
    channels = g(geo, 12);
  // Bytes from one tap's source to the next: along j, at the end of a kernel row, at the end of a channel.
  const stepJ = dW << 2;
  const stepI = ((dH * width) << 2) - kW * stepJ;
  const stepC = ((height * width) << 2) - kH * ((dH * width) << 2);
  let src = x + ((<usize>(((n * channels + c) * height + top + i * dH) * width + left + j * dW)) << 2);
  for (let p = 0; p < kc; p++, dst += STRIP << 2) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    src += <usize>stepJ;
    if (++j === kW) {
      j = 0;
      src += <usize>stepI; // may be negative: wraps, as the address arithmetic wants
      if (++i === kH) {
        i = 0;
        src += <usize>stepC;
      }
    }
  }
}

/** One strip of `lanes` (≤ 8) columns from column (n, oh, ow), any stride, lane by lane; lanes past `lanes` are 0. */
function packLanes(
  x: usize,
  geo: usize,
  n0: i32,
  oh0: i32,
  ow0: i32,
  lanes: i32,
  c: i32,
  i: i32,
  j: i32,
  kc: i32,
  dst: usize,
): void {
  const kH = g(geo, 0),
    kW = g(geo, 1),
    sH = g(geo, 2),
    sW = g(geo, 3),
    dH = g(geo, 4),
    dW = g(geo, 5),
    pT = g(geo, 6),
    pL = g(geo, 7),
    height = g(geo, 8),
    width = g(geo, 9),
    outH = g(geo, 10),
    outW = g(geo, 11),
    channels = g(geo, 12);
  for (let p = 0; p < kc; p++, dst += STRIP << 2) {
    let n = n0,
      oh = oh0,
      ow = ow0;
    for (let l = 0; l < STRIP; l++) {
      let v: f32 = 0;
      if (l < lanes) {
        const ih = oh * sH - pT + i * dH;
        const iw = ow * sW - pL + j * dW;
        if (ih >= 0 && ih < height && iw >= 0 && iw < width)
          v = load<f32>(x + ((<usize>(((n * channels + c) * height + ih) * width + iw)) << 2));
        if (++ow === outW) {
          ow = 0;
          if (++oh === outH) {
            oh = 0;
            n++;
          }
        }
      }
      store<f32>(dst + ((<usize>l) << 2), v);
    }
    if (++j === kW) {
      j = 0;
      if (++i === kH) {
        i = 0;
        c++;
      }
    }
  }
}

/**
 * out[n, o, :] = c[o, n·plane : (n + 1)·plane] + bias[o] for `count` samples: the product's
 * [O, count·plane] laid out as [count, O, plane]. In place when count is 1 and c = out. `bias` 0:
 * none.
 */
export function spreadBias(c: usize, bias: usize, out: usize, channels: i32, count: i32, plane: i32): void {
  const row = (<usize>plane) << 2;
  const vectors = row & ~(<usize>15);
  for (let o = 0; o < channels; o++) {
    const b: f32 = bias === 0 ? 0 : load<f32>(bias + ((<usize>o) << 2));
    const bv = f32x4.splat(b);
    let src = c + <usize>o * <usize>count * row;
    let dst = out + <usize>o * row;
    for (let n = 0; n < count; n++, src += row, dst += <usize>channels * row) {
      if (bias === 0) {
        // No bias: a copy (adding 0 would turn −0 into +0).
        if (dst !== src) memory.copy(dst, src, row);
        continue;
      }
      let k: usize = 0;
      for (; k < vectors; k += 16) v128.store(dst + k, f32x4.add(v128.load(src + k), bv));
      for (; k < row; k += 4) store<f32>(dst + k, load<f32>(src + k) + b);
    }
  }
}
