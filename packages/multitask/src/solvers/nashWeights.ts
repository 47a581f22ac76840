import { powerBarrierNewton } from './powerBarrierNewton';
import { validateGram } from './validateGram';

/** Options of {@link nashWeights}. */
export interface NashWeightsOptions {
  /** Cap on Newton steps. Default 20, Nash-MTL's number of sequential convex steps. */
  maxIter?: number;
}

/**
 * Nash-MTL's bargaining weights: α > 0 with (gram_n·α)_i = 1/α_i for every task, where
 * gram_n = gram/‖gram‖_F (the normalisation is done here, as Nash-MTL does on GGᵀ).
 *
 * Why Newton: the equation is the stationarity condition of the strictly convex
 * ½αᵀgram_nα − Σ log α_i, so its solution is unique and damped Newton (positivity-safe steps,
 * quadratic convergence) solves it to rounding level in a handful of steps — exactly, where
 * Nash-MTL's cvxpy loop stops after 20 linearised steps at whatever it reached.
 *
 * A solution exists when the Gramian is non-singular (more generally, when no non-negative
 * combination of gradients vanishes). Otherwise — a zero gradient, duplicated or cancelling
 * tasks — the weights of the offending tasks grow with every step and the finite iterate after
 * `maxIter` steps is returned. All gradients zero returns ones.
 *
 * @throws ValueError naming `nashWeights` for a wrong size, a non-finite entry or a non-Gramian.
 */
export function nashWeights(gram: Float64Array, t: number, options: NashWeightsOptions = {}): Float64Array {
  const g = validateGram(gram, t, 'nashWeights');
  const maxIter = options.maxIter ?? 20;
  let fro = 0;
  for (let i = 0; i < t * t; i++) fro += g[i]! * g[i]!;
  fro = Math.sqrt(fro);
  if (!(fro > 0)) return new Float64Array(t).fill(1);
  return powerBarrierNewton(
    g.map((v) => v / fro),
    t,
    1,
    maxIter,
  ).x;
}
