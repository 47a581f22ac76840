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

/** UPGrad's options: the ε regularisation of the Gramian. */
export type UPGradOptions = GramianRegularization & GramianOptions;

/**
 * UPGrad (Quinton & Rey, 2024, TorchJD): each task gradient gᵢ/T is projected onto the dual cone
 * of the gradients {d : ⟨d, gⱼ⟩ ≥ 0 ∀j} and the projections are summed. In weights: vᵢ =
 * argmin vᵀĜv s.t. v ≥ eᵢ/T (an exact box-constrained QP), weights = Σᵢ vᵢ, d = Σ weightsⱼgⱼ.
 * The result does not conflict with any task (up to the ε regularisation), and the weights do not
 * depend on the gradients' overall scale. With one task, or identical gradients, d is the mean
 * gradient.
 */
export class UPGrad extends GramianAggregation {
  static readonly defaults: MethodDefaults<UPGradOptions> = { ...GRAMIAN_DEFAULTS, eps: 1e-4, normEps: 1e-4 };
  readonly name = 'UPGrad';
  readonly eps: number;
  readonly normEps: number;

  constructor(options?: UPGradOptions) {
    const { eps, normEps, ...gramian } = methodOptions('UPGrad', options, UPGrad.defaults, {
      ...GRAMIAN_RULES,
      ...EPS_RULES,
    });
    super(gramian);
    this.eps = eps;
    this.normEps = normEps;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    const g = regularizedGramian(gram, t, this.eps, this.normEps);
    const weights = new Array<number>(t).fill(0);
    for (let i = 0; i < t; i++) {
      const lower = new Float64Array(t);
      lower[i] = 1 / t;
      const v = boxQP(g, t, lower);
      for (let j = 0; j < t; j++) weights[j]! += v[j]!;
    }
    return weights;
  }
}
