import { ValueError } from '@mtl/tensor';
import { nonnegativeQP } from './nonnegativeQP';
import { gramTrace, validateGram } from './validateGram';

/** Options of {@link boxQP}. */
export interface BoxQPOptions {
  /** Cap on active-set changes; the method is finite, this only guards against rounding loops. Default `max(250, 20·T)`. */
  maxIter?: number;
}

/**
 * v minimising vᵀ·gram·v subject to v ≥ lower (elementwise), solved exactly — the dual problem
 * of UPGrad (one call per task with lower = e_i/T, on gram/trace + εI) and of DualProj (lower =
 * the mean's weights).
 *
 * Why this form: with y = v − lower it is min ½yᵀGy + (G·lower)ᵀy over y ≥ 0, which the finite
 * Lawson–Hanson active-set method (`nonnegativeQP`) solves exactly; no iterative QP
 * tolerance leaks into the aggregated gradient. The Gramian is scaled by its trace first (the
 * minimiser does not change) so tolerances are scale-free.
 *
 * KKT at the result, with multipliers μ = gram·v: v ≥ lower, μ ≥ 0, μ_i·(v_i − lower_i) = 0.
 * Geometrically, d = Σ v_i g_i has ⟨d, g_i⟩ = μ_i ≥ 0: it conflicts with no task.
 * With a singular gram the minimiser may not be unique; one is returned (all zero gram: lower).
 *
 * @throws ValueError naming `boxQP` for a wrong size, a non-finite entry or a non-Gramian.
 */
export function boxQP(
  gram: Float64Array,
  t: number,
  lower: Float64Array,
  options: BoxQPOptions = {},
): Float64Array {
  const g = validateGram(gram, t, 'boxQP');
  if (!(lower instanceof Float64Array) || lower.length !== t) {
    throw new ValueError(
      `boxQP: lower must be a Float64Array of length t=${t} — got length ${(lower as { length?: number } | null)?.length}`,
    );
  }
  for (let i = 0; i < t; i++) {
    if (!Number.isFinite(lower[i])) throw new ValueError(`boxQP: lower[${i}]=${lower[i]} is not finite`);
  }
  const trace = gramTrace(g, t);
  if (!(trace > 0)) return Float64Array.from(lower);
  const q = new Float64Array(t * t);
  for (let i = 0; i < t * t; i++) q[i] = g[i]! / trace;
  const c = new Float64Array(t);
  for (let i = 0; i < t; i++) {
    let s = 0;
    for (let j = 0; j < t; j++) s += q[i * t + j]! * lower[j]!;
    c[i] = -s;
  }
  const y = nonnegativeQP(q, t, c, options.maxIter === undefined ? {} : { maxIter: options.maxIter });
  const v = new Float64Array(t);
  for (let i = 0; i < t; i++) v[i] = lower[i]! + y[i]!;
  return v;
}
