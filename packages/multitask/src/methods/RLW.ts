import { mul, type Variable } from '@mtl/autograd';
import { Generator } from '@mtl/tensor';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { scaledSoftmax } from './shared/scaledSoftmax';

export interface RLWOptions extends LossWeightingOptions {
  /** Seed of the method's own generator. Default 0. */
  seed?: number;
}

/**
 * Random loss weighting (Lin et al., 2022): λ = softmax(z) with z ~ N(0, I) drawn afresh at every
 * `backward` from the method's seeded generator; back-propagates Σ λᵢLᵢ. The weights sum to 1, so
 * with one task it is plain training. `reset()` reseeds; `stateDict()` holds the generator state.
 */
export class RLW extends LossWeighting {
  static readonly defaults: MethodDefaults<RLWOptions> = { ...LOSS_DEFAULTS, seed: 0 };
  readonly name = 'RLW';
  readonly seed: number;
  private readonly generator: Generator;

  constructor(options?: RLWOptions) {
    const { seed, ...base } = methodOptions('RLW', options, RLW.defaults, {
      ...LOSS_RULES,
      seed: rules.seed,
    });
    super(base);
    this.seed = seed;
    this.generator = new Generator(seed);
  }

  protected combine(losses: Variable[]): { total: Variable; weights: number[] } {
    const weights = scaledSoftmax(losses.map(() => this.generator.normal()));
    return { total: total(losses.map((l, i) => mul(l, weights[i]!))), weights };
  }

  override reset(): void {
    this.generator.manualSeed(this.seed);
  }

  override stateDict(): Record<string, unknown> {
    return { generator: this.generator.getState() };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    if (Array.isArray(state.generator)) this.generator.setState(state.generator as number[]);
  }
}
