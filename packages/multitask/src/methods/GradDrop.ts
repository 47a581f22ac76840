import type { Variable } from '@mtl/autograd';
import { Generator } from '@mtl/tensor';
import { type AggregationInput, GradientAggregation } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';
import type { BackwardContext } from './WeightingMethod';

export interface GradDropOptions {
  /** Fraction ℓ of every gradient that passes whatever the mask says (0 = pure GradDrop). Default 0. */
  leak?: number;
  seed?: number;
  /**
   * Where the sign purity is measured. 'batch' (the paper's batch-separated rule, and LibMTL's):
   * per feature, from sᵢ = Σ_batch sign(rep)·∇_rep Lᵢ, the mask then applied to every sample.
   * 'element': per element of the representation gradient, sᵢ = ∇_rep Lᵢ. Default 'batch'.
   */
  purity?: 'batch' | 'element';
}

/**
 * Gradient Sign Dropout (Chen et al., 2020), on the shared representation only. Per feature f
 * (see `purity`): P = ½(1 + Σᵢsᵢ/Σᵢ|sᵢ|) (P = ½ where all sᵢ are 0), one uniform draw U ∈ [0, 1)
 * per feature from the seeded generator; if U < P the positive side is kept (Mᵢ = [sᵢ > 0]), else
 * the negative one (Mᵢ = [sᵢ < 0]). The representation gets Σᵢ gᵢ·(ℓ + (1−ℓ)Mᵢ).
 *
 * Differences from LibMTL: it adds 1e-7 to Σ|sᵢ| and keeps neither side when U = P exactly; here
 * the 0/0 case is guarded instead, so with one task P ∈ {0, 1} and GradDrop is exactly plain
 * training. Weights: ℓ + (1−ℓ)·(fraction of features where task i was kept), a summary.
 */
export class GradDrop extends GradientAggregation {
  static readonly defaults: MethodDefaults<GradDropOptions> = { leak: 0, seed: 0, purity: 'batch' };
  readonly name = 'GradDrop';
  override readonly needsRepresentation = true;
  /** The options in use, defaults filled in. */
  readonly options: MethodDefaults<GradDropOptions>;
  readonly leak: number;
  readonly purity: 'batch' | 'element';
  private readonly generator: Generator;
  /** The representation's value and shape during `backward` (for the batch-separated signs). */
  protected representation: { data: ArrayLike<number>; shape: readonly number[] } | null = null;

  constructor(options?: GradDropOptions) {
    super();
    this.options = methodOptions('GradDrop', options, GradDrop.defaults, {
      leak: rules.between(0, 1),
      seed: rules.seed,
      purity: rules.oneOf(['batch', 'element']),
    });
    this.leak = this.options.leak;
    this.purity = this.options.purity;
    this.generator = new Generator(this.options.seed);
  }

  override backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number> {
    const rep = context.representation ?? null;
    this.representation = rep === null ? null : { data: rep.value.data, shape: rep.shape };
    try {
      return super.backward(losses, context);
    } finally {
      this.representation = null;
    }
  }

  protected direction({ rows, onRepresentation }: AggregationInput): {
    direction: Float64Array;
    weights: number[];
  } {
    if (!onRepresentation) {
      throw new WeightingError(
        'GradDrop: works on the shared representation; pass { representation: model.representation }',
      );
    }
    const t = rows.length;
    const size = rows[0]!.length;
    let batch = 1;
    let signs: ArrayLike<number> | null = null;
    if (this.purity === 'batch') {
      const rep = this.representation;
      if (rep === null) {
        throw new WeightingError("GradDrop: purity 'batch' needs the representation's value (call backward)");
      }
      batch = rep.shape.length >= 2 ? rep.shape[0]! : 1;
      signs = rep.data;
    }
    const features = size / batch;
    // sᵢ per feature, row-major [task][feature]: element e = b·features + f of a row, summed over
    // the batch b in order (loops over b and f rather than e % features: no division per element).
    const s = rows.map((row) => {
      const out = new Float64Array(features);
      for (let b = 0, e = 0; b < batch; b++) {
        for (let f = 0; f < features; f++, e++) {
          out[f]! += signs === null ? row[e]! : row[e]! * Math.sign(signs[e]!);
        }
      }
      return out;
    });
    const masks = rows.map(() => new Uint8Array(features));
    for (let f = 0; f < features; f++) {
      let sum = 0;
      let abs = 0;
      for (let i = 0; i < t; i++) {
        sum += s[i]![f]!;
        abs += Math.abs(s[i]![f]!);
      }
      const p = abs === 0 ? 0.5 : 0.5 * (1 + sum / abs);
      const positive = this.generator.uniform() < p;
      for (let i = 0; i < t; i++) masks[i]![f] = (positive ? s[i]![f]! > 0 : s[i]![f]! < 0) ? 1 : 0;
    }
    const direction = new Float64Array(size);
    const weights = rows.map((row, i) => {
      const mask = masks[i]!;
      let kept = 0;
      for (let f = 0; f < features; f++) kept += mask[f]!;
      const scale = Float64Array.from(mask, (m) => this.leak + (1 - this.leak) * m);
      for (let b = 0, e = 0; b < batch; b++) {
        for (let f = 0; f < features; f++, e++) direction[e]! += row[e]! * scale[f]!;
      }
      return this.leak + ((1 - this.leak) * kept) / features;
    });
    return { direction, weights };
  }

  override reset(): void {
    this.generator.manualSeed(this.options.seed);
  }

  /** `{ generator }`: the state of the mask RNG. */
  override stateDict(): Record<string, unknown> {
    return { generator: this.generator.getState() };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    if (Array.isArray(state.generator)) this.generator.setState(state.generator as number[]);
  }
}
