import { Generator } from '@mtl/tensor';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';

export interface PCGradOptions extends GramianOptions {
  /** 'random' (the paper, seeded) or 'fixed' (task order, reproducible across runs). Default 'random'. */
  order?: 'random' | 'fixed';
  /** Seed of the random order. Default 0. */
  seed?: number;
}

/**
 * PCGrad (Yu et al., 2020): each task gradient is projected off every other task gradient it
 * conflicts with (negative dot product), in random order; d = Σ projected gradients. The
 * returned weights are the ones that direction applies to the task gradients (d = Σ wᵢ gᵢ).
 */
export class PCGrad extends GramianAggregation {
  static readonly defaults: MethodDefaults<PCGradOptions> = { ...GRAMIAN_DEFAULTS, order: 'random', seed: 0 };
  readonly name = 'PCGrad';
  /** The options in use, defaults filled in. */
  readonly options: MethodDefaults<PCGradOptions>;
  private readonly generator: Generator;

  constructor(options?: PCGradOptions) {
    const resolved = methodOptions('PCGrad', options, PCGrad.defaults, {
      ...GRAMIAN_RULES,
      order: rules.oneOf(['random', 'fixed']),
      seed: rules.seed,
    });
    super(resolved);
    this.options = resolved;
    this.generator = new Generator(this.options.seed);
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    // Every projected gradient is a combination Σₖ cₖ gₖ of the task gradients, so the projections
    // run on coefficients, with ⟨Σₖ cₖ gₖ, gⱼ⟩ = Σₖ cₖ G[k, j] read off the Gramian: O(T³) work
    // instead of passes over the d-long rows, and one weighted sum of the rows at the end.
    const total = new Float64Array(t);
    const c = new Float64Array(t);
    for (let i = 0; i < t; i++) {
      c.fill(0);
      c[i] = 1;
      const order =
        this.options.order === 'fixed' ? [...Array(t).keys()] : Array.from(this.generator.permutation(t));
      for (const j of order) {
        if (j === i) continue;
        let conflict = 0;
        for (let k = 0; k < t; k++) conflict += c[k]! * gram[k * t + j]!;
        if (conflict < 0) c[j]! -= conflict / (gram[j * t + j]! + 1e-8);
      }
      for (let k = 0; k < t; k++) total[k]! += c[k]!;
    }
    // The weights actually applied (d = Σ wₖ gₖ), as LibMTL records them — not 1 per task.
    const weights = Array.from(total);
    return weights;
  }

  override reset(): void {
    super.reset();
    this.generator.manualSeed(this.options.seed);
  }
}
