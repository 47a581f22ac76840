import { nonnegativeQP } from './nonnegativeQP';
import { gramTrace, validateGram } from './validateGram';

/** Options of {@link minNormSimplex}. */
export interface MinNormSimplexOptions {
  /** Cap on active-set changes; the method is finite, this only guards against rounding loops. Default 250. */
  maxIter?: number;
}

/**
 * MGDA's min-norm point: α on the simplex (α ≥ 0, Σα = 1) minimising αᵀ·gram·α, solved exactly.
 *
 * `gram` is the T×T Gramian of the (normalised) task gradients, row-major, `t` = T.
 *
 * Why not Frank–Wolfe: it converges sublinearly and stops at a tolerance, so its α is off by
 * ~tol and depends on the start. Here the problem is lifted to a non-negative least-squares
 * problem — the points (g_i, 1) against the target (0, 1) — i.e. min_{x≥0} xᵀ(Ĝ + 11ᵀ)x − 2·1ᵀx
 * with Ĝ = gram/trace(gram); its KKT conditions divided by s = Σx are exactly the simplex KKT
 * conditions for α = x/s with λ = (1 − s)/s, and it is solved by a finite active-set method.
 * Scaling by the trace keeps the lifted matrix well balanced whatever the gradients' size.
 *
 * At the result: (gram·α)_i = λ where α_i > 0 and ≥ λ where α_i = 0, λ = αᵀ·gram·α.
 * With all gradients zero every α is optimal and the uniform one is returned. Several optimal α
 * exist when gradients are linearly dependent; one of them is returned.
 *
 * @throws ValueError naming `minNormSimplex` for a wrong size, a non-finite entry or a non-Gramian.
 */
export function minNormSimplex(
  gram: Float64Array,
  t: number,
  options: MinNormSimplexOptions = {},
): Float64Array {
  const g = validateGram(gram, t, 'minNormSimplex');
  if (t === 1) return Float64Array.of(1);
  const trace = gramTrace(g, t);
  if (!(trace > 0)) return new Float64Array(t).fill(1 / t);
  const q = new Float64Array(t * t);
  for (let i = 0; i < t * t; i++) q[i] = g[i]! / trace + 1;
  const x = nonnegativeQP(q, t, new Float64Array(t).fill(1), { maxIter: options.maxIter ?? 250 });
  let s = 0;
  for (let i = 0; i < t; i++) s += x[i]!;
  const alpha = new Float64Array(t);
  for (let i = 0; i < t; i++) alpha[i] = x[i]! / s;
  return alpha;
}
