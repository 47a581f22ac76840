import { boxQP } from '../solvers/boxQP';
import { type AggregationInput, GradientAggregation, weightedSum } from './GradientAggregation';
import { type MethodDefaults, methodOptions } from './shared/methodOptions';
import { EPS_RULES, regularizedGramian, type UPGradOptions } from './UPGrad';

/** DualProj's options: the same ε regularisation as UPGrad's. */
export type DualProjOptions = UPGradOptions;

/**
 * DualProj (TorchJD): the mean gradient projected onto the dual cone of the task gradients
 * {d : ⟨d, gⱼ⟩ ≥ 0 ∀j}. In weights: w = argmin wᵀĜw s.t. w ≥ 1/T (an exact box-constrained QP on
 * Ĝ = GGᵀ/tr(GGᵀ) + εI), d = Σ wⱼgⱼ. When the mean gradient conflicts with no task it is returned
 * unchanged (w = 1/T).
 */
export class DualProj extends GradientAggregation {
  static readonly defaults: MethodDefaults<DualProjOptions> = { eps: 1e-4, normEps: 1e-4 };
  readonly name = 'DualProj';
  readonly eps: number;
  readonly normEps: number;

  constructor(options?: DualProjOptions) {
    super();
    const { eps, normEps } = methodOptions('DualProj', options, DualProj.defaults, EPS_RULES);
    this.eps = eps;
    this.normEps = normEps;
  }

  protected aggregate({ rows, gram }: AggregationInput): { direction: Float64Array; weights: number[] } {
    const t = rows.length;
    const weights = Array.from(
      boxQP(regularizedGramian(gram, t, this.eps, this.normEps), t, new Float64Array(t).fill(1 / t)),
    );
    return { direction: weightedSum(rows, weights), weights };
  }
}
