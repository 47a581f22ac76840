import { formatShape, LinAlgError } from '../../errors';
import { checkFinite, checkMatrixSize, fixSign, powerOfTwoScale } from './helpers';

/** Jacobi converges quadratically; ~6–10 sweeps is typical, so hitting this means something is wrong. */
const MAX_SWEEPS = 100;

/** Eigenvalues and eigenvectors of a symmetric matrix (see {@link symmetricEigen}). */
export interface SymmetricEigen {
  /** The n eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** n×n row-major; column j is the unit eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

/**
 * Eigen-decomposition A = V·diag(λ)·Vᵀ of the symmetric n×n row-major matrix `a`, like
 * torch.linalg.eigh with its default UPLO='L': only the lower triangle (diagonal included) is
 * read, the upper one is assumed to mirror it.
 *
 * Returns the eigenvalues ascending and the eigenvectors as the COLUMNS of `vectors`
 * (n×n row-major), orthonormal. Eigenvectors are only defined up to sign (and, for a repeated
 * eigenvalue, up to a rotation within its eigenspace); we fix the sign so that the
 * largest-magnitude component of each vector is positive (near-ties within 1e-8 relative go to
 * the lowest row index). torch leaves the sign to LAPACK, so compare with torch up to sign.
 *
 * Method: cyclic Jacobi rotations (Jacobi 1846; the threshold strategy of Rutishauser's
 * Handbook routine), which is backward stable and accurate to a few ulp of ‖A‖ for the small
 * matrices it is meant for; O(n³) per sweep. Throws LinAlgError on NaN or ±Infinity, or if the
 * sweeps do not converge (which finite input should never cause).
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  checkMatrixSize('eigh', 'a', a, n, n);
  // Only the lower triangle is read, so only it has to be finite.
  checkFinite('eigh', 'a', a, n, n, true);
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      w[i * n + j] = a[i * n + j]!;
      w[j * n + i] = a[i * n + j]!;
    }
  }
  const scale = powerOfTwoScale(w);
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / scale;

  // v accumulates the rotations; its columns become the eigenvectors.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  let converged = n <= 1;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += Math.abs(w[p * n + q]!);
    if (off === 0) {
      converged = true;
      break;
    }
    // Early sweeps skip the smallest entries: rotating them first is wasted work, since the big
    // rotations would disturb them again.
    const threshold = sweep < 3 ? (0.2 * off) / (n * n) : 0;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q]!;
        const g = 100 * Math.abs(apq);
        const app = w[p * n + p]!;
        const aqq = w[q * n + q]!;
        // Once a_pq is below the last bit of both diagonal entries, rotating would not change
        // them; zeroing it instead is what lets the iteration stop.
        if (sweep > 3 && Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
          w[p * n + q] = 0;
          w[q * n + p] = 0;
          continue;
        }
        if (Math.abs(apq) <= threshold || apq === 0) continue;
        rotate(w, v, n, p, q, apq, app, aqq, g);
      }
    }
  }
  if (!converged) {
    throw new LinAlgError(
      `eigh: Jacobi iteration did not converge in ${MAX_SWEEPS} sweeps — a.shape=${formatShape([n, n])}`,
    );
  }

  // Sort ascending, as torch does; a stable sort keeps ties in the order they converged.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => w[i * n + i]! - w[j * n + j]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c]!;
    values[c] = w[src * n + src]! * scale;
    for (let r = 0; r < n; r++) vectors[r * n + c] = v[r * n + src]!;
    fixSign(vectors, c, n, n);
  }
  return { values, vectors };
}

/**
 * One Jacobi rotation in the (p, q) plane chosen to zero w[p,q], applied as W ← JᵀWJ (both
 * triangles, so w stays symmetric) and V ← VJ.
 */
function rotate(
  w: Float64Array,
  v: Float64Array,
  n: number,
  p: number,
  q: number,
  apq: number,
  app: number,
  aqq: number,
  g: number,
): void {
  const h = aqq - app;
  let t: number;
  if (Math.abs(h) + g === Math.abs(h)) {
    // θ = h/(2a_pq) is so large that θ² would overflow; t = 1/(2θ) to full precision.
    t = apq / h;
  } else {
    // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0, so |angle| ≤ π/4.
    const theta = (0.5 * h) / apq;
    t = 1 / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
    if (theta < 0) t = -t;
  }
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  // Updating as x − s·(y + τx) instead of c·x − s·y keeps the change small and accurate when
  // the angle is small (Rutishauser's τ = tan(angle/2)).
  const tau = s / (1 + c);
  w[p * n + p] = app - t * apq;
  w[q * n + q] = aqq + t * apq;
  w[p * n + q] = 0;
  w[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue;
    const wkp = w[k * n + p]!;
    const wkq = w[k * n + q]!;
    const nkp = wkp - s * (wkq + tau * wkp);
    const nkq = wkq + s * (wkp - tau * wkq);
    w[k * n + p] = nkp;
    w[p * n + k] = nkp;
    w[k * n + q] = nkq;
    w[q * n + k] = nkq;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!;
    const vkq = v[k * n + q]!;
    v[k * n + p] = vkp - s * (vkq + tau * vkp);
    v[k * n + q] = vkq + s * (vkp - tau * vkq);
  }
}
