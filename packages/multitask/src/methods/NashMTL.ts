import { nashWeights } from '../solvers/nashWeights';
import { type AggregationInput, GradientAggregation, weightedSum } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rule, rules } from './shared/methodOptions';

export interface NashMTLOptions {
  /**
   * The norm d is clipped to, as `clip_grad_norm_(shared, maxNorm)` in LibMTL (scale
   * min(1, maxNorm/(‖d‖ + 1e-6))). 0 or less disables clipping. Default 1.0.
   */
  maxNorm?: number;
  /** Recompute α every this many steps and reuse it in between. Default 1. */
  updateWeightsEvery?: number;
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
 * reported weights are α times the clipping factor, i.e. what multiplied each gᵢ in d.
 *
 * Differences from LibMTL: the gradients are computed every step even when α is reused (the
 * driver needs them), and heads receive their unweighted task gradient (LibMTL back-propagates
 * Σαᵢ Lᵢ, so its heads get αᵢ∇Lᵢ). With one task the normalised Gramian is 1 and α = 1, so d = g clipped to
 * `maxNorm`; with T identical gradients α = 1 for each, so d = T·g before clipping.
 */
export class NashMTL extends GradientAggregation {
  static readonly defaults: MethodDefaults<NashMTLOptions> = {
    maxNorm: 1.0,
    updateWeightsEvery: 1,
    maxIter: 20,
  };
  readonly name = 'NashMTL';
  readonly maxNorm: number;
  readonly updateWeightsEvery: number;
  readonly maxIter: number;
  private step = 0;
  private alpha: Float64Array | null = null;

  constructor(options?: NashMTLOptions) {
    super();
    const { maxNorm, updateWeightsEvery, maxIter } = methodOptions('NashMTL', options, NashMTL.defaults, {
      maxNorm: rule('a number (≤ 0 disables clipping)', (v) => typeof v === 'number' && !Number.isNaN(v)),
      updateWeightsEvery: rules.integer(1),
      maxIter: rules.integer(1),
    });
    this.maxNorm = maxNorm;
    this.updateWeightsEvery = updateWeightsEvery;
    this.maxIter = maxIter;
  }

  protected aggregate({ rows, gram }: AggregationInput): { direction: Float64Array; weights: number[] } {
    const t = rows.length;
    if (this.alpha === null || this.alpha.length !== t || this.step % this.updateWeightsEvery === 0) {
      // nashWeights normalises by ‖GGᵀ‖_F itself (and returns ones for all-zero gradients).
      this.alpha = nashWeights(gram, t, { maxIter: this.maxIter });
    }
    this.step++;
    const alpha = Array.from(this.alpha);
    const direction = weightedSum(rows, alpha);
    let clip = 1;
    if (this.maxNorm > 0) {
      let norm = 0;
      for (const v of direction) norm += v * v;
      clip = Math.min(1, this.maxNorm / (Math.sqrt(norm) + 1e-6));
      if (clip < 1) for (let k = 0; k < direction.length; k++) direction[k]! *= clip;
    }
    return { direction, weights: alpha.map((a) => a * clip) };
  }

  override reset(): void {
    this.step = 0;
    this.alpha = null;
  }

  override stateDict(): Record<string, unknown> {
    return { step: this.step, alpha: this.alpha === null ? null : Array.from(this.alpha) };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.step = Number(state.step ?? 0);
    this.alpha = Array.isArray(state.alpha) ? Float64Array.from(state.alpha as number[]) : null;
  }
}
