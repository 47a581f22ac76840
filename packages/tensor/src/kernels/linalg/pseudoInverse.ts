import { ValueError } from '../../errors';
import { checkMatrixSize } from './helpers';
import { svd } from './svd';

/** Options of {@link pseudoInverse}: the cutoff below which singular values count as zero. */
export interface PseudoInverseOptions {
  /** Relative tolerance, multiplied by the largest singular value. */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
}

/**
 * The Moore–Penrose pseudo-inverse A⁺ of the m×n row-major matrix `a`, as an n×m row-major
 * array, following torch.linalg.pinv (1.13): A⁺ = V·diag(1/σ)·Uᵀ over the singular values
 * σ > max(atol, rtol·σ_max); the others are treated as zero (and so is every σ of an all-zero
 * matrix, whose pseudo-inverse is zero).
 *
 * Defaults as in torch: `atol` = 0; `rtol` = max(m, n)·ε(float64) when it is not given, except
 * that a given `atol > 0` alone sets `rtol` to 0 (so `{ atol }` is a purely absolute cutoff).
 *
 * Throws LinAlgError on NaN or ±Infinity (torch returns NaN there), ValueError on a NaN
 * tolerance, ShapeError when `a.length !== m·n`.
 */
export function pseudoInverse(
  a: Float64Array,
  m: number,
  n: number,
  options: PseudoInverseOptions = {},
): Float64Array {
  checkMatrixSize('pinv', 'a', a, m, n);
  const { atol, rtol } = options;
  if (Number.isNaN(atol) || Number.isNaN(rtol)) {
    throw new ValueError(`pinv: tolerances must be numbers, got atol=${atol}, rtol=${rtol}`);
  }
  const absolute = atol ?? 0;
  const defaultRtol = Math.max(m, n) * Number.EPSILON;
  const relative = rtol ?? (atol !== undefined && atol > 0 ? 0 : defaultRtol);

  const { u, s, vt } = svd(a, m, n, { opName: 'pinv' });
  const k = s.length;
  const result = new Float64Array(n * m);
  if (k === 0) return result;
  const cutoff = Math.max(absolute, relative * s[0]!);
  // A⁺[j,i] = Σ_c vt[c,j]·u[i,c]/σ_c; c runs over kept values only, outermost, so the inner
  // loop walks a contiguous row of the result.
  for (let c = 0; c < k; c++) {
    const sigma = s[c]!;
    // Strictly greater, as torch: σ equal to the cutoff is dropped.
    if (!(sigma > cutoff)) continue;
    const inv = 1 / sigma;
    for (let j = 0; j < n; j++) {
      const vj = vt[c * n + j]! * inv;
      if (vj === 0) continue;
      const row = j * m;
      for (let i = 0; i < m; i++) result[row + i] = result[row + i]! + vj * u[i * k + c]!;
    }
  }
  return result;
}
