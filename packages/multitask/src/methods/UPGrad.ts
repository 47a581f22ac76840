import { boxQP } from '../solvers/boxQP';
import { gramTrace } from '../solvers/validateGram';
import { type AggregationInput, GradientAggregation, weightedSum } from './GradientAggregation';
import { type MethodDefaults, methodOptions, type OptionRules, rules } from './shared/methodOptions';

export interface UPGradOptions {
  /** ε of Ĝ = GGᵀ/tr(GGᵀ) + εI, which makes the QPs strictly convex. Default 1e-4 (TorchJD's `reg_eps`). */
  eps?: number;
  /** Below this trace the Gramian counts as zero and Ĝ = εI (TorchJD's `norm_eps`). Default 1e-4. */
  normEps?: number;
}

/**
 * Ĝ = GGᵀ/tr(GGᵀ) + εI, as TorchJD and LibMTL regularise the Gramian before projecting (a trace
 * below `normEps` gives εI). Shared by UPGrad and DualProj.
 */
export function regularizedGramian(
  gram: Float64Array,
  t: number,
  eps: number,
  normEps: number,
): Float64Array {
  const trace = gramTrace(gram, t);
  const out = new Float64Array(t * t);
  if (trace >= normEps) for (let k = 0; k < t * t; k++) out[k] = gram[k]! / trace;
  for (let i = 0; i < t; i++) out[i * t + i]! += eps;
  return out;
}

/** UPGrad's and DualProj's ε options. */
export const EPS_RULES: OptionRules<UPGradOptions> = { eps: rules.nonNegative, normEps: rules.nonNegative };

/**
 * UPGrad (Quinton & Rey, 2024, TorchJD): each task gradient gᵢ/T is projected onto the dual cone
 * of the gradients {d : ⟨d, gⱼ⟩ ≥ 0 ∀j} and the projections are summed. In weights: vᵢ =
 * argmin vᵀĜv s.t. v ≥ eᵢ/T (an exact box-constrained QP), weights = Σᵢ vᵢ, d = Σ weightsⱼgⱼ.
 * The result does not conflict with any task (up to the ε regularisation), and the weights do not
 * depend on the gradients' overall scale. With one task, or identical gradients, d is the mean
 * gradient.
 */
export class UPGrad extends GradientAggregation {
  static readonly defaults: MethodDefaults<UPGradOptions> = { eps: 1e-4, normEps: 1e-4 };
  readonly name = 'UPGrad';
  readonly eps: number;
  readonly normEps: number;

  constructor(options?: UPGradOptions) {
    super();
    const { eps, normEps } = methodOptions('UPGrad', options, UPGrad.defaults, EPS_RULES);
    this.eps = eps;
    this.normEps = normEps;
  }

  protected aggregate({ rows, gram }: AggregationInput): { direction: Float64Array; weights: number[] } {
    const t = rows.length;
    const g = regularizedGramian(gram, t, this.eps, this.normEps);
    const weights = new Array<number>(t).fill(0);
    for (let i = 0; i < t; i++) {
      const lower = new Float64Array(t);
      lower[i] = 1 / t;
      const v = boxQP(g, t, lower);
      for (let j = 0; j < t; j++) weights[j]! += v[j]!;
    }
    return { direction: weightedSum(rows, weights), weights };
  }
}
