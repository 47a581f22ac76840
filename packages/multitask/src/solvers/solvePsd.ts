/**
 * Solves A·x = b for a small symmetric positive semi-definite A (n×n, row-major) in place of a
 * general solver: a Cholesky factorisation that, on a pivot at rounding level, drops that
 * variable (x_j = 0) instead of failing. For a consistent singular system this still returns an
 * exact solution (the dependent variable is expressed by the others), which is what the
 * active-set solvers need when gradients are linearly dependent (duplicated tasks, d < T).
 *
 * A is first scaled to unit diagonal (D^(−½)·A·D^(−½)), so "rounding level" means a column
 * that is numerically in the span of the earlier ones, whatever the sizes of the diagonal
 * entries — Newton's Hessians mix entries of very different magnitude, and a tolerance relative
 * to the largest diagonal entry would drop well-determined variables.
 *
 * Returns the solution and a mask of the dropped variables.
 */
export function solvePsd(
  a: Float64Array,
  n: number,
  b: Float64Array,
): { x: Float64Array; dropped: Uint8Array } {
  const l = new Float64Array(n * n);
  const dropped = new Uint8Array(n);
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = a[i * n + i]!;
    if (d > 0) scale[i] = 1 / Math.sqrt(d);
    else dropped[i] = 1;
  }
  const tol = 1e-13 * n;
  for (let j = 0; j < n; j++) {
    if (dropped[j]) continue;
    let d = a[j * n + j]! * scale[j]! * scale[j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > tol)) {
      dropped[j] = 1;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      if (dropped[i]) continue;
      let s = a[i * n + j]! * scale[i]! * scale[j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (dropped[i]) continue;
    let s = b[i]! * scale[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    if (dropped[i]) continue;
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  for (let i = 0; i < n; i++) x[i]! *= scale[i]!;
  return { x, dropped };
}
