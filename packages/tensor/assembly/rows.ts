/**
 * Products over the rows of a small float32 matrix X [t, n] (t task gradients of length n): the
 * Gramian XXᵀ and a weighted sum of the rows, both summed in float64, for the multi-task
 * gradient methods. Part of the kernel module (`index.ts`); addresses are byte offsets into the
 * kernel memory. The sums are the TypeScript loops' (`src/kernels/rowProducts.ts`) in the same
 * order, so both give the same bits: each product of two float32 values is exact in float64.
 */

/**
 * out[i·t + j] (float64) = ⟨row i, row j⟩ for j ≥ i, mirrored: four running sums (k mod 4), each
 * a lane of two f64x2 accumulators, added as (s0 + s1) + (s2 + s3); the tail goes into s0.
 */
export function gramRows(x: usize, t: i32, n: i32, out: usize): void {
  const rowBytes = (<usize>n) << 2;
  const body = (<usize>(n & ~3)) << 2;
  for (let i = 0; i < t; i++) {
    const a = x + <usize>i * rowBytes;
    for (let j = i; j < t; j++) {
      const b = x + <usize>j * rowBytes;
      let low = f64x2.splat(0);
      let high = f64x2.splat(0);
      for (let k: usize = 0; k < body; k += 16) {
        const u = v128.load(a + k);
        const v = v128.load(b + k);
        low = f64x2.add(low, f64x2.mul(f64x2.promote_low_f32x4(u), f64x2.promote_low_f32x4(v)));
        high = f64x2.add(
          high,
          f64x2.mul(f64x2.promote_low_f32x4(upper(u)), f64x2.promote_low_f32x4(upper(v))),
        );
      }
      let s0 = f64x2.extract_lane(low, 0);
      for (let k = body; k < rowBytes; k += 4) s0 += <f64>load<f32>(a + k) * <f64>load<f32>(b + k);
      const sum =
        s0 + f64x2.extract_lane(low, 1) + (f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1));
      store<f64>(out + ((<usize>(i * t + j)) << 3), sum);
      store<f64>(out + ((<usize>(j * t + i)) << 3), sum);
    }
  }
}

/**
 * out[k] (float32) = Σᵢ w[i]·X[i, k] over the rows whose weight (float64) is not 0, summed in
 * float64 in row order, then rounded once.
 */
export function combineRows(x: usize, w: usize, t: i32, n: i32, out: usize): void {
  const rowBytes = (<usize>n) << 2;
  const body = (<usize>(n & ~3)) << 2;
  for (let k: usize = 0; k < body; k += 16) {
    let low = f64x2.splat(0);
    let high = f64x2.splat(0);
    for (let i = 0; i < t; i++) {
      const wi = load<f64>(w + ((<usize>i) << 3));
      if (wi === 0) continue;
      const weight = f64x2.splat(wi);
      const u = v128.load(x + <usize>i * rowBytes + k);
      low = f64x2.add(low, f64x2.mul(weight, f64x2.promote_low_f32x4(u)));
      high = f64x2.add(high, f64x2.mul(weight, f64x2.promote_low_f32x4(upper(u))));
    }
    v128.store(
      out + k,
      i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5),
    );
  }
  for (let k = body; k < rowBytes; k += 4) {
    let s: f64 = 0;
    for (let i = 0; i < t; i++) {
      const wi = load<f64>(w + ((<usize>i) << 3));
      if (wi !== 0) s += wi * <f64>load<f32>(x + <usize>i * rowBytes + k);
    }
    store<f32>(out + k, <f32>s);
  }
}

/** Lanes 2 and 3 of a float32 vector moved to lanes 0 and 1. */
function upper(v: v128): v128 {
  return i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}
