import { eigh, Tensor } from '@mtl/tensor';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions } from './shared/methodOptions';

/** float32's machine epsilon, `torch.finfo().eps` under torch's default dtype, as LibMTL uses. */
const FLOAT32_EPS = 2 ** -23;

/**
 * Aligned-MTL (Senushkin et al., 2023): with GGᵀ = VΛVᵀ restricted to its r nonzero eigenpairs,
 * B = √λ_min·VΛ^{-1/2}Vᵀ and the weights are the column sums of B; d = Σ αᵢgᵢ. The rows of B·G
 * (the aligned task gradients) are orthogonal with equal norm √λ_min (B·GGᵀ·B = λ_min·VVᵀ), so the
 * combined system has condition number 1 and d = Σ of the aligned gradients.
 *
 * "Nonzero" is LibMTL's test: λ > λ_max·T·ε with ε the float32 machine epsilon (2⁻²³), which also
 * discards the spurious eigenvalues a Gramian of float32 gradients has. With all gradients zero
 * the rank is 0 and the weights are 0. With one task d = g; with T identical gradients every
 * weight is 1 (B = 11ᵀ/T), so d = T·g, the plain sum.
 */
/** AlignedMTL's options: only the Gramian methods' `updateWeightsEvery`. */
export type AlignedMTLOptions = GramianOptions;

export class AlignedMTL extends GramianAggregation {
  static readonly defaults: MethodDefaults<AlignedMTLOptions> = GRAMIAN_DEFAULTS;
  readonly name = 'AlignedMTL';

  constructor(options?: AlignedMTLOptions) {
    super(methodOptions('AlignedMTL', options, AlignedMTL.defaults, GRAMIAN_RULES));
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    const { eigenvalues, eigenvectors } = eigh(new Tensor(Float64Array.from(gram), [t, t], 'float64'));
    const lambda = eigenvalues.data as Float64Array;
    const v = eigenvectors.data as Float64Array;
    const lambdaMax = lambda[t - 1]!;
    const tol = lambdaMax * t * FLOAT32_EPS;
    const kept: number[] = [];
    for (let k = 0; k < t; k++) if (lambda[k]! > tol && lambda[k]! > 0) kept.push(k);
    const weights = new Array<number>(t).fill(0);
    if (kept.length > 0) {
      const scale = Math.sqrt(lambda[kept[0]!]!);
      // αⱼ = Σᵢ Bᵢⱼ = √λ_min·Σₖ (Σᵢ Vᵢₖ)·Vⱼₖ/√λₖ
      for (const k of kept) {
        let colSum = 0;
        for (let i = 0; i < t; i++) colSum += v[i * t + k]!;
        const c = (scale * colSum) / Math.sqrt(lambda[k]!);
        for (let j = 0; j < t; j++) weights[j]! += c * v[j * t + k]!;
      }
    }
    return weights;
  }
}
