import { type AggregationInput, GradientAggregation } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { scaledSoftmax } from './shared/scaledSoftmax';
import { WeightingError } from './shared/WeightingError';
import { gramian, weightedSum } from './WeightingMethod';

export interface MoCoOptions {
  /** Rate of the tracking EMA yᵢ. Default 0.5. */
  beta?: number;
  /** Step size of the λ update. Default 0.1. */
  gamma?: number;
  /** ℓ2 regulariser of the λ update. Default 0. */
  rho?: number;
  /** The rate of y at step s is β/s^σ. Default 0 (constant, as MTL-METHODS.md); LibMTL uses 0.5. */
  betaSigma?: number;
  /** The step size of λ at step s is γ/s^σ. Default 0 (constant, as MTL-METHODS.md); LibMTL uses 0.5. */
  gammaSigma?: number;
}

/**
 * MoCo (Fernando et al., 2023), in LibMTL's form. The tracked gradients start at yᵢ = 0 and
 * λ at 1/T (LibMTL's initialisation); each step s:
 * yᵢ ← yᵢ − β_s(yᵢ − gᵢLᵢ/(‖gᵢ‖ + 1e-8)), λ ← softmax(λ − γ_s(YYᵀ + ρI)λ), d = Yᵀλ,
 * with β_s = β/s^σβ, γ_s = γ/s^σγ. λ stays on the simplex (a softmax).
 *
 * Works on the shared parameters only (yᵢ averages across steps). Weights are λ. With one task,
 * λ = 1 and d = y: the EMA of L·g/‖g‖ (β·L·g/‖g‖ at the first step).
 */
export class MoCo extends GradientAggregation {
  static readonly defaults: MethodDefaults<MoCoOptions> = {
    beta: 0.5,
    gamma: 0.1,
    rho: 0,
    betaSigma: 0,
    gammaSigma: 0,
  };
  readonly name = 'MoCo';
  override readonly needsParameters = true;
  readonly beta: number;
  readonly gamma: number;
  readonly rho: number;
  readonly betaSigma: number;
  readonly gammaSigma: number;
  private step = 0;
  private y: Float64Array[] | null = null;
  private lambda: number[] | null = null;

  constructor(options?: MoCoOptions) {
    super();
    const { beta, gamma, rho, betaSigma, gammaSigma } = methodOptions('MoCo', options, MoCo.defaults, {
      beta: rules.above(0, 1),
      gamma: rules.nonNegative,
      rho: rules.nonNegative,
      betaSigma: rules.nonNegative,
      gammaSigma: rules.nonNegative,
    });
    this.beta = beta;
    this.gamma = gamma;
    this.rho = rho;
    this.betaSigma = betaSigma;
    this.gammaSigma = gammaSigma;
  }

  protected direction({ rows, gram, losses }: AggregationInput): {
    direction: Float64Array;
    weights: number[];
  } {
    const t = rows.length;
    const d = rows[0]!.length;
    if (this.y === null || this.lambda === null) {
      this.y = rows.map(() => new Float64Array(d));
      this.lambda = rows.map(() => 1 / t);
    } else if (this.y.length !== t || this.y[0]!.length !== d) {
      throw new WeightingError(
        `MoCo: the gradients changed from ${this.y.length}×${this.y[0]!.length} to ${t}×${d} — call reset() between runs`,
      );
    }
    this.step += 1;
    const rate = this.beta / this.step ** this.betaSigma;
    const step = this.gamma / this.step ** this.gammaSigma;
    const y = this.y;
    y.forEach((yi, i) => {
      const scale = losses[i]! / (Math.sqrt(gram[i * t + i]!) + 1e-8);
      const row = rows[i]!;
      for (let k = 0; k < d; k++) yi[k]! -= rate * (yi[k]! - row[k]! * scale);
    });
    const lambda = this.lambda;
    const yy = gramian(y);
    const logits = lambda.map((li, i) => {
      let s = this.rho * li;
      for (let j = 0; j < t; j++) s += yy[i * t + j]! * lambda[j]!;
      return li - step * s;
    });
    this.lambda = scaledSoftmax(logits);
    return { direction: weightedSum(y, this.lambda), weights: [...this.lambda] };
  }

  override reset(): void {
    this.step = 0;
    this.y = null;
    this.lambda = null;
  }

  /** `{ step, y, lambda }`: the step count, the tracked gradients yᵢ (in task order) and λ. */
  override stateDict(): Record<string, unknown> {
    return {
      step: this.step,
      y: this.y === null ? null : this.y.map((r) => Array.from(r)),
      lambda: this.lambda === null ? null : [...this.lambda],
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.step = Number(state.step ?? 0);
    const y = state.y as number[][] | null | undefined;
    this.y = y == null ? null : y.map((r) => Float64Array.from(r));
    const lambda = state.lambda as number[] | null | undefined;
    this.lambda = lambda == null ? null : lambda.map(Number);
  }
}
