import { minNormSimplex } from '../solvers/minNormSimplex';
import { minNormSimplexFrankWolfe } from '../solvers/minNormSimplexFrankWolfe';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';

/** How MGDA normalises each task gradient before the min-norm problem (LibMTL's `mgda_gn`). */
export type MGDANormalization = 'none' | 'l2' | 'loss' | 'loss+';

export interface MGDAOptions extends GramianOptions {
  /**
   * gᵢ is divided by nᵢ: 'none' → 1, 'l2' → ‖gᵢ‖, 'loss' → Lᵢ, 'loss+' → Lᵢ‖gᵢ‖. Default 'none',
   * as LibMTL.
   */
  normalization?: MGDANormalization;
  /**
   * 'frankWolfe' (default): LibMTL's procedure (best pair, then Frank–Wolfe, ≤ 250 iterations,
   * stop when Σ|Δα| < 1e-5), so the numbers match LibMTL's. 'exact': the exact min-norm point
   * (an active-set solve), for which d is a common descent direction to rounding.
   */
  solver?: 'exact' | 'frankWolfe';
  /** Frank–Wolfe iteration cap. Default 250. */
  maxIter?: number;
  /** Frank–Wolfe stopping tolerance on Σ|Δα|. Default 1e-5. */
  tol?: number;
}

const NORMALIZATIONS: readonly MGDANormalization[] = ['none', 'l2', 'loss', 'loss+'];

/**
 * MGDA (Sener & Koltun, 2018): α = argmin over the simplex of ‖Σ αᵢ ĝᵢ‖² with ĝᵢ = gᵢ/nᵢ, and
 * d = Σ αᵢ ĝᵢ — the min-norm element of the convex hull, which (when nonzero) decreases every task
 * loss: ⟨d, ĝᵢ⟩ ≥ ‖d‖² for all i. Given `{ representation }` the gradients are those of the shared
 * representation and this is MGDA-UB (one backward through the encoder instead of T).
 *
 * The weights reported (and applied to the raw gᵢ) are αᵢ/nᵢ; with the default normalisation they
 * are α. A zero normaliser (a zero gradient under 'l2', a zero loss under 'loss') is replaced by 1
 * instead of dividing by zero. Unlike LibMTL, which on the representation applies α to the
 * un-normalised gradients, the normalisation is applied the same way on parameters and on the
 * representation.
 */
export class MGDA extends GramianAggregation {
  static readonly defaults: MethodDefaults<MGDAOptions> = {
    ...GRAMIAN_DEFAULTS,
    normalization: 'none',
    solver: 'frankWolfe',
    maxIter: 250,
    tol: 1e-5,
  };
  readonly name = 'MGDA';
  readonly normalization: MGDANormalization;
  readonly solver: 'exact' | 'frankWolfe';
  private readonly maxIter: number;
  private readonly tol: number;

  constructor(options?: MGDAOptions) {
    const { normalization, solver, maxIter, tol, ...gramian } = methodOptions(
      'MGDA',
      options,
      MGDA.defaults,
      {
        ...GRAMIAN_RULES,
        normalization: rules.oneOf(NORMALIZATIONS),
        solver: rules.oneOf(['exact', 'frankWolfe']),
        maxIter: rules.integer(1),
        tol: rules.nonNegative,
      },
    );
    super(gramian);
    this.normalization = normalization;
    this.solver = solver;
    this.maxIter = maxIter;
    this.tol = tol;
  }

  protected weights(gram: Float64Array, { losses, tasks }: GramianContext): number[] {
    const t = tasks.length;
    const n = losses.map((loss, i) => {
      const norm = Math.sqrt(gram[i * t + i]!);
      const v =
        this.normalization === 'l2'
          ? norm
          : this.normalization === 'loss'
            ? loss
            : this.normalization === 'loss+'
              ? loss * norm
              : 1;
      return v === 0 ? 1 : v;
    });
    const normalized = new Float64Array(t * t);
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) normalized[i * t + j] = gram[i * t + j]! / (n[i]! * n[j]!);
    }
    const alpha =
      this.solver === 'exact'
        ? minNormSimplex(normalized, t)
        : minNormSimplexFrankWolfe(normalized, t, { maxIter: this.maxIter, tol: this.tol });
    const weights = Array.from(alpha, (a, i) => a / n[i]!);
    return weights;
  }
}
