import { pinv, Tensor } from '@mtl/tensor';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions } from './shared/methodOptions';

/**
 * ConFIG (Liu et al., 2024), with the reference implementation's equal weights and projection
 * length: with unit rows uᵢ = gᵢ/‖gᵢ‖ (0 for a zero gradient), v = pinv(U)·1, u = v/‖v‖,
 * d = (Σᵢ gᵢ·u)·u. A direction with equal cosine to every unit gradient (exactly, when the
 * gradients are linearly independent).
 *
 * All in T×T: pinv(U)·1 = Uᵀ(UUᵀ)⁺1 and UUᵀ is the cosine matrix C, so with x = C⁺1,
 * v = Σ xᵢuᵢ, ‖v‖² = xᵀCx, and d = Σ wᵢgᵢ with wᵢ = (Σⱼ gⱼ·u)·xᵢ/(‖gᵢ‖‖v‖) — the weights reported.
 * With one task, d = g (plain training).
 */
/** ConFIG's options: only the Gramian methods' `updateWeightsEvery`. */
export type ConFIGOptions = GramianOptions;

export class ConFIG extends GramianAggregation {
  static readonly defaults: MethodDefaults<ConFIGOptions> = GRAMIAN_DEFAULTS;
  readonly name = 'ConFIG';

  constructor(options?: ConFIGOptions) {
    super(methodOptions('ConFIG', options, ConFIG.defaults, GRAMIAN_RULES));
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    const norms = Array.from({ length: t }, (_, i) => Math.sqrt(gram[i * t + i]!));
    const cosine = new Float64Array(t * t);
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) {
        const n = norms[i]! * norms[j]!;
        cosine[i * t + j] = n > 0 ? gram[i * t + j]! / n : 0;
      }
    }
    const inverse = pinv(new Tensor(cosine, [t, t], 'float64')).data as Float64Array;
    const x = Array.from({ length: t }, (_, i) => {
      let s = 0;
      for (let j = 0; j < t; j++) s += inverse[i * t + j]!;
      return norms[i]! > 0 ? s : 0;
    });
    let vv = 0;
    for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) vv += x[i]! * cosine[i * t + j]! * x[j]!;
    const vNorm = Math.sqrt(Math.max(0, vv));
    if (!(vNorm > 0)) return tasks.map(() => 0);
    // Σⱼ gⱼ·u = Σⱼ Σᵢ xᵢ gⱼ·gᵢ/(‖gᵢ‖‖v‖)
    let length = 0;
    for (let i = 0; i < t; i++) {
      if (norms[i]! === 0) continue;
      let column = 0;
      for (let j = 0; j < t; j++) column += gram[j * t + i]!;
      length += (x[i]! * column) / norms[i]!;
    }
    length /= vNorm;
    const weights = x.map((xi, i) => (norms[i]! > 0 ? (length * xi) / (norms[i]! * vNorm) : 0));
    return weights;
  }
}
