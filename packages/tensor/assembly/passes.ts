/**
 * The two elementwise passes of a fused linear + relu on float32, four lanes at a time (the
 * TypeScript loops in src/backend/passKernels.ts give the same bits): part of the kernel module
 * (`index.ts`). Addresses are byte offsets into the kernel memory; n is a multiple of 4.
 */

/** y[r, j] = max(y[r, j] + b[j], 0) in place, for rows × n float32 (f32x4.max: NaN stays NaN, −0 becomes +0). */
export function biasRelu(y: usize, b: usize, rows: i32, n: i32): void {
  const rowBytes = (<usize>n) << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    for (let j: usize = 0; j < rowBytes; j += 16) {
      v128.store(y + j, f32x4.max(f32x4.add(v128.load(y + j), v128.load(b + j)), zero));
    }
    y += rowBytes;
  }
}

/**
 * out = g where y > 0, else +0 (also for a non-finite g); when `sums` is not 0, sums[j] (float64)
 * += out[r, j], row by row.
 */
export function maskRows(g: usize, y: usize, out: usize, sums: usize, rows: i32, n: i32): void {
  const rowBytes = (<usize>n) << 2;
  if (sums === 0) {
    // No column sums: the rows are one contiguous run of rows·n values.
    const end = <usize>rows * rowBytes;
    for (let j: usize = 0; j < end; j += 16) v128.store(out + j, masked(g + j, y + j));
    return;
  }
  for (let r = 0; r < rows; r++) {
    for (let j: usize = 0; j < rowBytes; j += 16) {
      const v = masked(g + j, y + j);
      v128.store(out + j, v);
      const s = sums + (j << 1);
      v128.store(s, f64x2.add(v128.load(s), f64x2.promote_low_f32x4(v)));
      const high = i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
      v128.store(s, f64x2.add(v128.load(s, 16), f64x2.promote_low_f32x4(high)), 16);
    }
    g += rowBytes;
    y += rowBytes;
    out += rowBytes;
  }
}

/** Four lanes of g where y > 0, else +0. */
function masked(g: usize, y: usize): v128 {
  const zero = f32x4.splat(0);
  // The mask keeps g's bits or gives +0; adding +0 turns a kept −0 into +0, as the loop does.
  return f32x4.add(v128.and(v128.load(g), f32x4.gt(v128.load(y), zero)), zero);
}
