import { Generator } from '@mtl/tensor';
import { type AggregationInput, GradientAggregation } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';

export interface GradVacOptions {
  /** EMA rate of the target cosines ρ̂ (ρ̂ ← (1−β)ρ̂ + βρ). Default 0.5, as LibMTL. */
  beta?: number;
  /** 'random' (the paper, seeded) or 'fixed' (task order, reproducible across runs). Default 'random'. */
  order?: 'random' | 'fixed';
  /** Seed of the random order. Default 0. */
  seed?: number;
  /**
   * Sizes of consecutive slices of the gradient that get their own target cosine, e.g.
   * `model.sharedParameters().map((p) => p.value.size)` for one group per parameter tensor
   * (LibMTL's `all_matrix`). They must add up to the gradient's length. Default: one group over
   * everything (LibMTL's default `whole_model`).
   */
  groups?: readonly number[];
}

/**
 * Gradient Vaccine (Wang et al., 2021), in LibMTL's form. For each task i, for each other task j
 * (random order) and each group k: ρ = cos(g_i^PC, g_j); if ρ < ρ̂_ijk, move g_i^PC towards g_j so
 * that their cosine becomes exactly ρ̂:
 * g_i^PC += g_j·‖g_i^PC‖(ρ̂√(1−ρ²) − ρ√(1−ρ̂²))/(‖g_j‖√(1−ρ̂²) + 1e-8); then ρ̂ ← (1−β)ρ̂ + βρ with
 * ρ measured before the move. ρ̂ starts at 0 (so the first step is PCGrad). d = Σ g_i^PC.
 *
 * Weights: with one group, d = Σ_j w_j g_j exactly, w_j = 1 + Σ_i (the coefficient of g_j added to
 * g_i^PC); with several groups they are LibMTL's `batch_weight` (the same sums over all groups),
 * a summary only. With one task, d = g (plain training).
 */
export class GradVac extends GradientAggregation {
  static readonly defaults: MethodDefaults<GradVacOptions, 'groups'> = {
    beta: 0.5,
    order: 'random',
    seed: 0,
    groups: undefined,
  };
  readonly name = 'GradVac';
  /** The options in use, defaults filled in. */
  readonly options: MethodDefaults<GradVacOptions, 'groups'>;
  readonly beta: number;
  private readonly generator: Generator;
  /** ρ̂ of ordered pair (i, j) and group k at [(i·T + j)·K + k]; null before the first step. */
  private targets: Float64Array | null = null;
  private taskCount = 0;

  constructor(options?: GradVacOptions) {
    super();
    this.options = methodOptions('GradVac', options, GradVac.defaults, {
      beta: rules.between(0, 1),
      order: rules.oneOf(['random', 'fixed']),
      seed: rules.seed,
      // Omitted: one group over all parameters.
      groups: rules.optional(rules.sizes),
    });
    this.beta = this.options.beta;
    this.generator = new Generator(this.options.seed);
  }

  protected direction({ rows }: AggregationInput): { direction: Float64Array; weights: number[] } {
    const t = rows.length;
    const d = rows[0]!.length;
    const bounds = this.groupBounds(d);
    const groups = bounds.length - 1;
    if (this.targets === null) {
      this.targets = new Float64Array(t * t * groups);
      this.taskCount = t;
    } else if (this.taskCount !== t || this.targets.length !== t * t * groups) {
      throw new WeightingError(
        `GradVac: the number of tasks changed from ${this.taskCount} to ${t} — call reset() between runs`,
      );
    }
    const targets = this.targets;
    const weights = rows.map(() => 1);
    const direction = new Float64Array(d);
    for (let i = 0; i < t; i++) {
      const g = Float64Array.from(rows[i]!);
      const order =
        this.options.order === 'fixed' ? [...Array(t).keys()] : Array.from(this.generator.permutation(t));
      for (const j of order) {
        if (j === i) continue;
        const gj = rows[j]!;
        for (let k = 0; k < groups; k++) {
          const lo = bounds[k]!;
          const hi = bounds[k + 1]!;
          let gg = 0;
          let gi2 = 0;
          let gj2 = 0;
          for (let e = lo; e < hi; e++) {
            gg += g[e]! * gj[e]!;
            gi2 += g[e]! * g[e]!;
            gj2 += gj[e]! * gj[e]!;
          }
          const normI = Math.sqrt(gi2);
          const normJ = Math.sqrt(gj2);
          const rho = gg / (normI * normJ + 1e-8);
          const index = (i * t + j) * groups + k;
          const target = targets[index]!;
          if (rho < target) {
            // Rounding can put |ρ| a hair above 1; the clamp keeps the square roots real.
            const sinRho = Math.sqrt(Math.max(0, 1 - rho * rho));
            const sinTarget = Math.sqrt(Math.max(0, 1 - target * target));
            const w = (normI * (target * sinRho - rho * sinTarget)) / (normJ * sinTarget + 1e-8);
            for (let e = lo; e < hi; e++) g[e]! += w * gj[e]!;
            weights[j]! += w;
          }
          targets[index] = (1 - this.beta) * target + this.beta * rho;
        }
      }
      for (let e = 0; e < d; e++) direction[e]! += g[e]!;
    }
    return { direction, weights };
  }

  private groupBounds(d: number): number[] {
    const sizes = this.options.groups ?? [d];
    const bounds = [0];
    for (const size of sizes) bounds.push(bounds[bounds.length - 1]! + size);
    if (bounds[bounds.length - 1] !== d) {
      throw new WeightingError(
        `GradVac: the groups add up to ${bounds[bounds.length - 1]} but the gradient has ${d} elements (pass the sizes of the shared parameters, in order)`,
      );
    }
    return bounds;
  }

  override reset(): void {
    this.targets = null;
    this.taskCount = 0;
    this.generator.manualSeed(this.options.seed);
  }

  /** `{ tasks, targets, generator }`: the target cosines ρ̂ (flat, [(i·T + j)·K + k]) and the RNG state. */
  override stateDict(): Record<string, unknown> {
    return {
      tasks: this.taskCount,
      targets: this.targets === null ? null : Array.from(this.targets),
      generator: this.generator.getState(),
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    const targets = state.targets as number[] | null | undefined;
    this.targets = targets == null ? null : Float64Array.from(targets);
    this.taskCount = Number(state.tasks ?? 0);
    if (Array.isArray(state.generator)) this.generator.setState(state.generator as number[]);
  }
}
