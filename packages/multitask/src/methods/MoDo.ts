import { projectSimplex } from '../solvers/projectSimplex';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';

export interface MoDoOptions extends GramianOptions {
  /** Step size γ of the λ update. Default 1e-3, as LibMTL (`MoDo_gamma`). */
  gamma?: number;
  /** ℓ2 regulariser ρ of the λ update. Default 0.1, as LibMTL (`MoDo_rho`). */
  rho?: number;
}

/**
 * MoDo, multi-objective gradient with double sampling (Chen et al., 2023), in LibMTL's form: the
 * task weights λ (1/T at the start, kept across steps) take one projected gradient step per
 * training step, λ ← Π_Δ(λ − γ(GGᵀλ + ρλ)), with Π_Δ the Euclidean projection onto the simplex;
 * d = Σ λᵢgᵢ, and the weights reported are λ (exact).
 *
 * LibMTL and the paper compute GGᵀλ from two independent mini-batches and d from a third;
 * `backward` receives one batch, so all three are that batch's gradients (TorchJD warns that a
 * single-batch Gramian loses the method's convergence guarantee). TorchJD's MoDoWeighting keeps
 * λ on the simplex with a softmax instead of the projection. With one task, or identical
 * gradients, d is the mean gradient.
 */
export class MoDo extends GramianAggregation {
  static readonly defaults: MethodDefaults<MoDoOptions> = { ...GRAMIAN_DEFAULTS, gamma: 1e-3, rho: 0.1 };
  readonly name = 'MoDo';
  readonly gamma: number;
  readonly rho: number;
  /** λ, carried from step to step (null before the first). */
  private lambda: Float64Array | null = null;

  constructor(options?: MoDoOptions) {
    const { gamma, rho, ...gramian } = methodOptions('MoDo', options, MoDo.defaults, {
      ...GRAMIAN_RULES,
      gamma: rules.positive,
      rho: rules.nonNegative,
    });
    super(gramian);
    this.gamma = gamma;
    this.rho = rho;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    if (this.lambda === null) this.lambda = new Float64Array(t).fill(1 / t);
    else if (this.lambda.length !== t) {
      throw new WeightingError(
        `MoDo: the number of tasks changed from ${this.lambda.length} to ${t} — call reset() between runs`,
      );
    }
    const lambda = this.lambda;
    const step = lambda.map((li, i) => {
      let s = 0;
      for (let j = 0; j < t; j++) s += gram[i * t + j]! * lambda[j]!;
      return li - this.gamma * (s + this.rho * li);
    });
    this.lambda = projectSimplex(step);
    return Array.from(this.lambda);
  }

  override reset(): void {
    super.reset();
    this.lambda = null;
  }

  /** The Gramian methods' `{ step, weights }` and λ. */
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), lambda: this.lambda === null ? null : Array.from(this.lambda) };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    super.loadStateDict(state);
    const lambda = state.lambda as number[] | null | undefined;
    this.lambda = lambda == null ? null : Float64Array.from(lambda);
  }
}
