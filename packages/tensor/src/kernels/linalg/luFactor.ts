import { formatShape, LinAlgError } from '../../errors';
import { checkFinite, checkMatrixSize } from './helpers';

/**
 * An LU factorisation with partial pivoting, P·A = L·U, packed LAPACK-style: `lu` holds U on and
 * above the diagonal and the multipliers of the unit lower-triangular L below it (row-major,
 * n×n); `pivots[k]` is the row swapped with row k at step k (0-based), so replaying the swaps in
 * order applies P.
 */
export interface LuFactors {
  readonly lu: Float64Array;
  readonly pivots: Int32Array;
  readonly n: number;
}

/** Options of {@link luFactor}. */
export interface LuFactorOptions {
  /** The op named in error messages (`solve`, `inv`, …); defaults to `luFactor`. */
  opName?: string;
}

/**
 * Factors the n×n row-major matrix `a` as P·A = L·U by Gaussian elimination with partial
 * (row) pivoting. `a` is not modified.
 *
 * Throws LinAlgError if `a` holds NaN or ±Infinity, or if a pivot is exactly zero, i.e. the
 * matrix is singular in floating point. Like LAPACK's getrf (and so torch.linalg.solve/inv),
 * a merely tiny pivot is accepted: a nearly singular matrix factors, and what is solved with it
 * is correspondingly inaccurate. Throws ShapeError if `a.length !== n·n`.
 */
export function luFactor(a: Float64Array, n: number, options: LuFactorOptions = {}): LuFactors {
  const op = options.opName ?? 'luFactor';
  checkMatrixSize(op, 'a', a, n, n);
  checkFinite(op, 'a', a, n, n);
  const lu = Float64Array.from(a);
  const pivots = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    // The largest |entry| in column k at or below the diagonal keeps every multiplier ≤ 1,
    // which is what bounds the growth of rounding errors in practice.
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    pivots[k] = p;
    if (best === 0) {
      throw new LinAlgError(
        `${op}: the matrix is singular (pivot ${k + 1} of ${n} is 0) — a.shape=${formatShape([n, n])}; ` +
          'use pinv for a least-squares answer',
      );
    }
    if (p !== k) {
      // Whole rows swap, including the L part, so `lu` stays the factorisation of P·A.
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = lu[rk + j]!;
        lu[rk + j] = lu[rp + j]!;
        lu[rp + j] = t;
      }
    }
    const pivot = lu[k * n + k]!;
    const rk = k * n;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const l = lu[ri + k]! / pivot;
      lu[ri + k] = l;
      if (l === 0) continue;
      // Row-major: the update of row i runs along contiguous memory.
      for (let j = k + 1; j < n; j++) lu[ri + j] = lu[ri + j]! - l * lu[rk + j]!;
    }
  }
  return { lu, pivots, n };
}
