import { ValueError } from '@mtl/tensor';
import { powerBarrierNewton } from './powerBarrierNewton';
import { validateGram } from './validateGram';

/** Options of {@link fairGradWeights}. */
export interface FairGradWeightsOptions {
  /** FairGrad's fairness parameter α > 0 (α = 1: proportional fairness, as Nash-MTL). Default 1. */
  alpha?: number;
  /** Cap on Newton steps. Default 100. */
  maxIter?: number;
}

/**
 * FairGrad's weights: x > 0 solving gram·x − x^(−1/α) = 0 elementwise (gram unnormalised, as
 * in FairGrad).
 *
 * Why Newton: the equation is the stationarity condition of the strictly convex
 * ½xᵀ·gram·x − Σψ(x_i) with ψ' = x^(−1/α), so its solution is unique; damped Newton with
 * positivity-safe steps solves it to rounding level, where the reference calls scipy's
 * least_squares with a tolerance.
 *
 * A solution exists when the Gramian is non-singular (more generally, when no non-negative
 * combination of gradients vanishes); otherwise the offending weights grow and the finite
 * iterate after `maxIter` steps is returned. All gradients zero returns ones.
 *
 * @throws ValueError naming `fairGradWeights` for a wrong size, a non-finite entry, a
 * non-Gramian, or alpha ≤ 0.
 */
export function fairGradWeights(
  gram: Float64Array,
  t: number,
  options: FairGradWeightsOptions = {},
): Float64Array {
  const g = validateGram(gram, t, 'fairGradWeights');
  const alpha = options.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw new ValueError(`fairGradWeights: alpha must be a finite number > 0 — got ${alpha}`);
  }
  let any = false;
  for (let i = 0; i < t * t; i++) if (g[i] !== 0) any = true;
  if (!any) return new Float64Array(t).fill(1);
  return powerBarrierNewton(g, t, 1 / alpha, options.maxIter ?? 100).x;
}
