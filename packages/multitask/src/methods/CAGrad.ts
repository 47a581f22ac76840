import { cagradWeights } from '../solvers/cagradWeights';
import { gramTrace } from '../solvers/validateGram';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';

export interface CAGradOptions extends GramianOptions {
  /** The conflict-aversion radius c = calpha·‖g₀‖. Default 0.5; 0 gives the mean gradient. */
  calpha?: number;
  /** Divide d by 1 (0), 1 + calpha² (1, the default, as LibMTL) or 1 + calpha (2). */
  rescale?: 0 | 1 | 2;
}

/**
 * CAGrad (Liu et al., 2021): g₀ = mean gradient, c = calpha·‖g₀‖,
 * w* = argmin over the simplex of wᵀ(GGᵀ)1/T + c·√(wᵀGGᵀw) (solved exactly), g_w = Σ w*ᵢgᵢ and
 * d = (g₀ + c/‖g_w‖·g_w)/(1 + calpha²) — the direction that maximises the worst task's
 * improvement within a ball of radius c around g₀. LibMTL solves the inner problem with SLSQP and
 * adds 1e-8 to c and to ‖g_w‖; here both are exact, so calpha = 0 gives the mean gradient exactly.
 *
 * When the optimal g_w is 0 (possible for calpha ≥ 1) the step is d = g₀/(1 + calpha²).
 * With one task d = (1 + calpha)/(1 + calpha²)·g (1.2·g with the defaults). On the representation
 * (which LibMTL refuses) the same rule is applied to the representation's gradients.
 */
export class CAGrad extends GramianAggregation {
  static readonly defaults: MethodDefaults<CAGradOptions> = { ...GRAMIAN_DEFAULTS, calpha: 0.5, rescale: 1 };
  readonly name = 'CAGrad';
  readonly calpha: number;
  readonly rescale: 0 | 1 | 2;

  constructor(options?: CAGradOptions) {
    const { calpha, rescale, ...gramian } = methodOptions('CAGrad', options, CAGrad.defaults, {
      ...GRAMIAN_RULES,
      calpha: rules.nonNegative,
      rescale: rules.oneOf([0, 1, 2]),
    });
    super(gramian);
    this.calpha = calpha;
    this.rescale = rescale;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    let meanGram = 0;
    for (let k = 0; k < t * t; k++) meanGram += gram[k]!;
    const g0Norm = Math.sqrt(Math.max(meanGram / (t * t), 0));
    const c = this.calpha * g0Norm;
    let lambda = 0;
    let w: Float64Array = new Float64Array(t);
    if (c > 0) {
      w = cagradWeights(gram, t, { c });
      let gwSq = 0;
      for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) gwSq += w[i]! * gram[i * t + j]! * w[j]!;
      const gwNorm = Math.sqrt(Math.max(gwSq, 0));
      // g_w = 0 (possible for calpha ≥ 1) leaves g_w/‖g_w‖ undefined; rounding-level g_w counts as 0.
      lambda = gwNorm > 1e-12 * Math.sqrt(gramTrace(gram, t)) ? c / gwNorm : 0;
    }
    const scale = this.rescale === 0 ? 1 : this.rescale === 1 ? 1 + this.calpha ** 2 : 1 + this.calpha;
    const weights = Array.from(w, (wi) => (1 / t + lambda * wi) / scale);
    return weights;
  }
}
