import { fairGradWeights } from '../solvers/fairGradWeights';
import { type AggregationInput, GradientAggregation, weightedSum } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rule } from './shared/methodOptions';

export interface FairGradOptions {
  /** The α of α-fair utility: 0 → utilitarian (sum), 1 → proportional fairness (default), ∞ → max-min. */
  alpha?: number;
}

/**
 * FairGrad (Ban & Ji, 2024): x ≥ 0 solves GGᵀx = x^{−1/α} (elementwise), d = Σ xᵢgᵢ. LibMTL
 * solves it with `least_squares` from x₀ = 1/T; here the solve is exact. With one task
 * d = ‖g‖^{−2α/(1+α)}·g (a unit vector for α = 1); with T identical gradients and α = 1,
 * d = √T·g/‖g‖. Heads receive their unweighted task gradient
 * (LibMTL back-propagates Σ xᵢLᵢ, so its heads get xᵢ∇Lᵢ).
 */
export class FairGrad extends GradientAggregation {
  static readonly defaults: MethodDefaults<FairGradOptions> = { alpha: 1 };
  readonly name = 'FairGrad';
  readonly alpha: number;

  constructor(options?: FairGradOptions) {
    super();
    // α = ∞ is max-min fairness: a number > 0, Infinity allowed.
    this.alpha = methodOptions('FairGrad', options, FairGrad.defaults, {
      alpha: rule('a number > 0 (Infinity for max-min)', (v) => typeof v === 'number' && v > 0),
    }).alpha;
  }

  protected aggregate({ rows, gram }: AggregationInput): { direction: Float64Array; weights: number[] } {
    const weights = Array.from(fairGradWeights(gram, rows.length, { alpha: this.alpha }));
    return { direction: weightedSum(rows, weights), weights };
  }
}
