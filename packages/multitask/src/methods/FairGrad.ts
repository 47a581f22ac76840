import { fairGradWeights } from '../solvers/fairGradWeights';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rule } from './shared/methodOptions';

export interface FairGradOptions extends GramianOptions {
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
export class FairGrad extends GramianAggregation {
  static readonly defaults: MethodDefaults<FairGradOptions> = { ...GRAMIAN_DEFAULTS, alpha: 1 };
  readonly name = 'FairGrad';
  readonly alpha: number;

  constructor(options?: FairGradOptions) {
    const { alpha, ...gramian } = methodOptions('FairGrad', options, FairGrad.defaults, {
      ...GRAMIAN_RULES,
      // α = ∞ is max-min fairness: a number > 0, Infinity allowed.
      alpha: rule('a number > 0 (Infinity for max-min)', (v) => typeof v === 'number' && v > 0),
    });
    super(gramian);
    this.alpha = alpha;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    return Array.from(fairGradWeights(gram, tasks.length, { alpha: this.alpha }));
  }
}
