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

export interface SDMGradOptions extends GramianOptions {
  /** λ, the pull towards the mean gradient. Default 0.3, as LibMTL (`SDMGrad_lamda`). */
  lambda?: number;
  /** Iterations of the inner projected SGD on w per step. Default 20, as LibMTL (`SDMGrad_niter`). */
  niter?: number;
  /** Learning rate of the inner SGD. Default 5, as LibMTL (TorchJD uses 10). */
  lr?: number;
  /** Momentum of the inner SGD (restarted every step). Default 0.5, as LibMTL and TorchJD. */
  momentum?: number;
}

/**
 * SDMGrad, stochastic direction-oriented multi-objective gradient descent (Xiao et al., 2023), in
 * LibMTL's form. The Gramian is normalised, A = GGᵀ/(s² + 1e-8) with s the mean of the gradient
 * norms √max(Gᵢᵢ, 0); the simplex weights w (1/T at the start, kept across steps) take `niter`
 * steps of SGD with momentum (the buffer restarted every step) on ½wᵀAw + λ·wᵀA1/T, each
 * followed by the projection onto the simplex; then d = (Σ wᵢgᵢ + λ·mean gᵢ)/(1 + λ), so the
 * weights reported are (wᵢ + λ/T)/(1 + λ) (exact: d = Σ weightsᵢ gᵢ).
 *
 * LibMTL and the paper take the two Gramian factors and the final combination from three
 * independent mini-batches (ξ, ξ′, ζ); `backward` receives one batch, so all three are that
 * batch's gradients, and the method is a map from its Gramian to weights. With one task, or
 * identical gradients, d is the mean gradient.
 */
export class SDMGrad extends GramianAggregation {
  static readonly defaults: MethodDefaults<SDMGradOptions> = {
    ...GRAMIAN_DEFAULTS,
    lambda: 0.3,
    niter: 20,
    lr: 5,
    momentum: 0.5,
  };
  readonly name = 'SDMGrad';
  readonly lambda: number;
  readonly niter: number;
  readonly lr: number;
  readonly momentum: number;
  /** The simplex weights w, carried from step to step (null before the first). */
  private w: Float64Array | null = null;

  constructor(options?: SDMGradOptions) {
    const { lambda, niter, lr, momentum, ...gramian } = methodOptions('SDMGrad', options, SDMGrad.defaults, {
      ...GRAMIAN_RULES,
      lambda: rules.nonNegative,
      niter: rules.integer(1),
      lr: rules.positive,
      momentum: rules.between(0, 1, { open: true }),
    });
    super(gramian);
    this.lambda = lambda;
    this.niter = niter;
    this.lr = lr;
    this.momentum = momentum;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    if (this.w === null) this.w = new Float64Array(t).fill(1 / t);
    else if (this.w.length !== t) {
      throw new WeightingError(
        `SDMGrad: the number of tasks changed from ${this.w.length} to ${t} — call reset() between runs`,
      );
    }
    let meanNorm = 0;
    for (let i = 0; i < t; i++) meanNorm += Math.sqrt(Math.max(gram[i * t + i]!, 0));
    meanNorm /= t;
    const denominator = meanNorm * meanNorm + 1e-8;
    const a = gram.map((v) => v / denominator);
    // A·1/T, the gradient of the pull towards the mean (LibMTL's `Gg`).
    const pull = Array.from({ length: t }, (_, i) => {
      let s = 0;
      for (let j = 0; j < t; j++) s += a[i * t + j]!;
      return s / t;
    });
    let w = this.w;
    let velocity: Float64Array | null = null;
    for (let iter = 0; iter < this.niter; iter++) {
      const grad = new Float64Array(t);
      for (let i = 0; i < t; i++) {
        let s = 0;
        for (let j = 0; j < t; j++) s += a[i * t + j]! * w[j]!;
        grad[i] = s + this.lambda * pull[i]!;
      }
      if (velocity === null) velocity = grad;
      else for (let i = 0; i < t; i++) velocity[i] = this.momentum * velocity[i]! + grad[i]!;
      const v = velocity;
      w = projectSimplex(w.map((wi, i) => wi - this.lr * v[i]!));
    }
    this.w = w;
    return Array.from(w, (wi) => (wi + this.lambda / t) / (1 + this.lambda));
  }

  override reset(): void {
    super.reset();
    this.w = null;
  }

  /** The Gramian methods' `{ step, weights }` and the simplex weights `w`. */
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), w: this.w === null ? null : Array.from(this.w) };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    super.loadStateDict(state);
    const w = state.w as number[] | null | undefined;
    this.w = w == null ? null : Float64Array.from(w);
  }
}
