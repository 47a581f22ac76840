import { boxQP } from '../solvers/boxQP';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions } from './shared/methodOptions';
import { EPS_RULES, type GramianRegularization, regularizedGramian } from './shared/regularizedGramian';

/** DualProj's options: the same ε regularisation as UPGrad's. */
export type DualProjOptions = GramianRegularization & GramianOptions;

/**
 * DualProj (TorchJD): the mean gradient projected onto the dual cone of the task gradients
 * {d : ⟨d, gⱼ⟩ ≥ 0 ∀j}. In weights: w = argmin wᵀĜw s.t. w ≥ 1/T (an exact box-constrained QP on
 * Ĝ = GGᵀ/tr(GGᵀ) + εI), d = Σ wⱼgⱼ. When the mean gradient conflicts with no task it is returned
 * unchanged (w = 1/T).
 */
export class DualProj extends GramianAggregation {
  static readonly defaults: MethodDefaults<DualProjOptions> = {
    ...GRAMIAN_DEFAULTS,
    eps: 1e-4,
    normEps: 1e-4,
  };
  readonly name = 'DualProj';
  readonly eps: number;
  readonly normEps: number;

  constructor(options?: DualProjOptions) {
    const { eps, normEps, ...gramian } = methodOptions('DualProj', options, DualProj.defaults, {
      ...GRAMIAN_RULES,
      ...EPS_RULES,
    });
    super(gramian);
    this.eps = eps;
    this.normEps = normEps;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    const weights = Array.from(
      boxQP(regularizedGramian(gram, t, this.eps, this.normEps), t, new Float64Array(t).fill(1 / t)),
    );
    return weights;
  }
}
