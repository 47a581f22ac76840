import { formatShape, LinAlgError } from '../../errors';
import { checkFinite, checkMatrixSize, fixSign, powerOfTwoScale } from './helpers';

/** One-sided Jacobi converges quadratically; ~6–12 sweeps is typical for small matrices. */
const MAX_SWEEPS = 100;
/**
 * Rows (of the working matrix, scaled so its largest entry is ~1) shorter than this are left
 * alone by the rotations and get completed singular vectors, as if their singular value were 0:
 * their squared norms underflow, so neither the orthogonality test nor the rotation angle can be
 * computed for them. It only affects singular values below ~1e-145·max|a|, far under any pinv
 * cutoff.
 */
const NEGLIGIBLE = 1e-145;
const NEGLIGIBLE_SQUARED = NEGLIGIBLE * NEGLIGIBLE;

/** A thin singular value decomposition A = U·diag(s)·Vt (see {@link svd}). */
export interface Svd {
  /** m×k row-major, orthonormal columns, k = min(m, n). */
  readonly u: Float64Array;
  /** The k singular values, descending. */
  readonly s: Float64Array;
  /** k×n row-major, orthonormal rows. */
  readonly vt: Float64Array;
}

/** Options of {@link svd}. */
export interface SvdOptions {
  /** The op named in error messages; defaults to `svd` (pinv passes `pinv`). */
  opName?: string;
}

/**
 * Thin SVD of the m×n row-major matrix `a`, like torch.linalg.svd(a, full_matrices=False):
 * A = U·diag(s)·Vt with U m×k, s of length k, Vt k×n, k = min(m, n), singular values
 * descending. `a` is not modified.
 *
 * Signs: a singular pair (u_i, v_i) is only defined up to a common sign; we make the
 * largest-magnitude component of each row of Vt positive (near-ties within 1e-8 relative go to
 * the lowest index) and flip u_i with it. Columns of U for zero singular values are completed
 * to an orthonormal set.
 *
 * Method: one-sided Jacobi (Hestenes 1958): plane rotations orthogonalise the columns of A (of
 * Aᵀ when m < n) until every pair is orthogonal to working precision; the column norms are then
 * the singular values. It is backward stable and gives small singular values to high relative
 * accuracy. Throws LinAlgError on NaN or ±Infinity or if the sweeps do not converge.
 */
export function svd(a: Float64Array, m: number, n: number, options: SvdOptions = {}): Svd {
  const op = options.opName ?? 'svd';
  checkMatrixSize(op, 'a', a, m, n);
  checkFinite(op, 'a', a, m, n);
  const k = Math.min(m, n);
  const scale = powerOfTwoScale(a);
  // The Jacobi core orthogonalises the ROWS of w (contiguous in row-major), so it gets Aᵀ when
  // m ≥ n (the columns of A) and A itself when m < n (the columns of Aᵀ): always k vectors of
  // length len = max(m, n).
  const len = Math.max(m, n);
  const w = new Float64Array(k * len);
  if (m >= n) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * len + i] = a[i * n + j]! / scale;
  } else {
    for (let i = 0; i < a.length; i++) w[i] = a[i]! / scale;
  }
  const r = jacobiOrthogonalise(w, k, len, op, m, n);

  // σ_i = ‖w_i‖; the normalised rows of w are one side's singular vectors, the rows of r the
  // other side's: (U, V) when m ≥ n, (V, U) when m < n.
  const sigma = new Float64Array(k);
  for (let i = 0; i < k; i++) sigma[i] = rowNorm(w, i * len, len);
  const order = Array.from({ length: k }, (_, i) => i);
  order.sort((i, j) => sigma[j]! - sigma[i]!);

  // Long-side vectors in sorted order, k×len; zero singular values get an orthonormal completion.
  const long = new Float64Array(k * len);
  const missing: number[] = [];
  for (let c = 0; c < k; c++) {
    const src = order[c]!;
    const sv = sigma[src]!;
    if (sv <= NEGLIGIBLE) {
      missing.push(c);
      continue;
    }
    for (let t = 0; t < len; t++) long[c * len + t] = w[src * len + t]! / sv;
  }
  completeOrthonormal(long, k, len, missing);

  const s = new Float64Array(k);
  const u = new Float64Array(m * k);
  const vt = new Float64Array(k * n);
  for (let c = 0; c < k; c++) {
    const src = order[c]!;
    s[c] = sigma[src]! * scale;
    if (m >= n) {
      // long rows are U's columns; r's rows are V's columns, i.e. Vt's rows.
      for (let i = 0; i < m; i++) u[i * k + c] = long[c * len + i]!;
      for (let j = 0; j < n; j++) vt[c * n + j] = r[src * k + j]!;
    } else {
      // long rows are V's columns (Vt's rows); r's rows are U's columns.
      for (let j = 0; j < n; j++) vt[c * n + j] = long[c * len + j]!;
      for (let i = 0; i < m; i++) u[i * k + c] = r[src * k + i]!;
    }
    if (fixSign(vt, c * n, 1, n) < 0) for (let i = 0; i < m; i++) u[i * k + c] = -u[i * k + c]!;
  }
  return { u, s, vt };
}

/**
 * Rotates pairs of rows of the k×len matrix w, in place, until all rows are mutually orthogonal,
 * and returns the product R (k×k, orthogonal) of the rotations, so that W_final = R·W_initial.
 */
function jacobiOrthogonalise(
  w: Float64Array,
  k: number,
  len: number,
  op: string,
  m: number,
  n: number,
): Float64Array {
  const r = new Float64Array(k * k);
  for (let i = 0; i < k; i++) r[i * k + i] = 1;
  // A pair counts as orthogonal once |w_i·w_j| ≤ tol·‖w_i‖‖w_j‖. The dot product itself carries
  // a rounding error of up to ~len·ε relative to ‖w_i‖‖w_j‖, so a tighter tolerance could chase
  // rounding noise forever.
  const tol = Math.max(len, 1) * Number.EPSILON;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let i = 0; i < k - 1; i++) {
      const oi = i * len;
      for (let j = i + 1; j < k; j++) {
        const oj = j * len;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let t = 0; t < len; t++) {
          const x = w[oi + t]!;
          const y = w[oj + t]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || alpha < NEGLIGIBLE_SQUARED || beta < NEGLIGIBLE_SQUARED) continue;
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        // tan of the angle that makes the pair orthogonal: the smaller root of
        // t² + 2ζt − 1 = 0, ζ = (β − α)/(2γ), so |angle| ≤ π/4 and the rows do not swap.
        const zeta = (beta - alpha) / (2 * gamma);
        const tan =
          Math.abs(zeta) > 1e150
            ? 0.5 / zeta // ζ² would overflow; 1/(2ζ) is then exact to working precision
            : Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tan * tan);
        const s = c * tan;
        for (let t = 0; t < len; t++) {
          const x = w[oi + t]!;
          const y = w[oj + t]!;
          w[oi + t] = c * x - s * y;
          w[oj + t] = s * x + c * y;
        }
        const ri = i * k;
        const rj = j * k;
        for (let t = 0; t < k; t++) {
          const x = r[ri + t]!;
          const y = r[rj + t]!;
          r[ri + t] = c * x - s * y;
          r[rj + t] = s * x + c * y;
        }
      }
    }
    if (!rotated) return r;
  }
  throw new LinAlgError(
    `${op}: one-sided Jacobi SVD did not converge in ${MAX_SWEEPS} sweeps — a.shape=${formatShape([m, n])}`,
  );
}

/** ‖x‖₂ of w[offset : offset+len], scaled by the largest |entry| so tiny rows do not underflow to 0. */
function rowNorm(w: Float64Array, offset: number, len: number): number {
  let max = 0;
  for (let t = 0; t < len; t++) max = Math.max(max, Math.abs(w[offset + t]!));
  if (max === 0) return 0;
  let sum = 0;
  for (let t = 0; t < len; t++) {
    const x = w[offset + t]! / max;
    sum += x * x;
  }
  return max * Math.sqrt(sum);
}

/**
 * Fills the rows listed in `missing` of the k×len matrix q (whose other rows are orthonormal)
 * with unit vectors orthogonal to all the rest: for each, the standard basis vector that keeps
 * the most length after Gram–Schmidt against the filled rows (twice, which makes the result
 * orthogonal to working precision).
 */
function completeOrthonormal(q: Float64Array, k: number, len: number, missing: number[]): void {
  if (missing.length === 0) return;
  const filled: number[] = [];
  for (let c = 0; c < k; c++) if (!missing.includes(c)) filled.push(c);
  const candidate = new Float64Array(len);
  const best = new Float64Array(len);
  for (const row of missing) {
    let bestNorm = -1;
    for (let e = 0; e < len; e++) {
      candidate.fill(0);
      candidate[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const f of filled) {
          let dot = 0;
          for (let t = 0; t < len; t++) dot += q[f * len + t]! * candidate[t]!;
          for (let t = 0; t < len; t++) candidate[t] = candidate[t]! - dot * q[f * len + t]!;
        }
      }
      const norm = rowNorm(candidate, 0, len);
      if (norm > bestNorm) {
        bestNorm = norm;
        best.set(candidate);
      }
    }
    // k ≤ len vectors, so some basis vector keeps length ≥ √((len − filled)/len) > 0.
    for (let t = 0; t < len; t++) q[row * len + t] = best[t]! / bestNorm;
    filled.push(row);
  }
}
