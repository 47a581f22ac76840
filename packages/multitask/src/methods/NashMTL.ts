import { nashWeights } from '../solvers/nashWeights';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rule, rules } from './shared/methodOptions';

export interface NashMTLOptions extends GramianOptions {
  /**
   * The norm d is clipped to, as `clip_grad_norm_(shared, maxNorm)` in LibMTL (scale
   * min(1, maxNorm/(‖d‖ + 1e-6))). 0 or less disables clipping. Default 1.0.
   */
  maxNorm?: number;
  /**
   * Cap on the Newton steps of the α solve (exact in a handful). Default 20, as LibMTL's cap on its
   * sequential convex steps, `optim_niter`.
   */
  maxIter?: number;
}

/**
 * Nash-MTL (Navon et al., 2022): with the normalised Gramian GTG = GGᵀ/‖GGᵀ‖_F, α ≥ 0 solves the
 * bargaining fixed point GTG·α = 1/α (elementwise); d = Σ αᵢgᵢ, then clipped.
 *
 * Where the clipping happens: on d itself — the combined gradient written into the shared
 * parameters (or into the representation, when given one) — before it is added to `.grad`; the
 * heads' gradients are not clipped, as in LibMTL, which clips only the shared parameters. The
 * reported weights are α times the clipping factor, i.e. what multiplied each gᵢ in d. With
 * `updateWeightsEvery` k > 1, α is reused for k − 1 steps and each of them clips its own d.
 *
 * Differences from LibMTL: heads receive their unweighted task gradient (LibMTL back-propagates
 * Σαᵢ Lᵢ, so its heads get αᵢ∇Lᵢ). With one task the normalised Gramian is 1 and α = 1, so d = g
 * clipped to `maxNorm`; with T identical gradients α = 1 for each, so d = T·g before clipping.
 */
export class NashMTL extends GramianAggregation {
  static readonly defaults: MethodDefaults<NashMTLOptions> = {
    ...GRAMIAN_DEFAULTS,
    maxNorm: 1.0,
    maxIter: 20,
  };
  readonly name = 'NashMTL';
  readonly maxNorm: number;
  readonly maxIter: number;

  constructor(options?: NashMTLOptions) {
    const { maxNorm, maxIter, ...gramian } = methodOptions('NashMTL', options, NashMTL.defaults, {
      ...GRAMIAN_RULES,
      maxNorm: rule('a number (≤ 0 disables clipping)', (v) => typeof v === 'number' && !Number.isNaN(v)),
      maxIter: rules.integer(1),
    });
    super(gramian);
    this.maxNorm = maxNorm;
    this.maxIter = maxIter;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    // nashWeights normalises by ‖GGᵀ‖_F itself (and returns ones for all-zero gradients).
    return Array.from(nashWeights(gram, tasks.length, { maxIter: this.maxIter }));
  }

  protected override get maxDirectionNorm(): number | null {
    return this.maxNorm > 0 ? this.maxNorm : null;
  }
}
