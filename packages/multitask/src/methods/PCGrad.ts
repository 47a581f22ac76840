import { Generator } from '@mtl/tensor';
import { type AggregationInput, GradientAggregation } from './GradientAggregation';
import { dot } from './WeightingMethod';

export interface PCGradOptions {
  /** 'random' (the paper, seeded) or 'fixed' (task order, reproducible across runs). Default 'random'. */
  order?: 'random' | 'fixed';
  seed?: number;
}

/**
 * PCGrad (Yu et al., 2020): each task gradient is projected off every other task gradient it
 * conflicts with (negative dot product), in random order; d = Σ projected gradients.
 */
export class PCGrad extends GradientAggregation {
  readonly name = 'PCGrad';
  private readonly generator: Generator;

  constructor(readonly options: PCGradOptions = {}) {
    super();
    this.generator = new Generator(options.seed ?? 0);
  }

  protected aggregate({ rows, gram }: AggregationInput): { direction: Float64Array; weights: number[] } {
    const t = rows.length;
    const direction = new Float64Array(rows[0]!.length);
    for (let i = 0; i < t; i++) {
      const g = Float64Array.from(rows[i]!);
      const order =
        this.options.order === 'fixed' ? [...Array(t).keys()] : Array.from(this.generator.permutation(t));
      for (const j of order) {
        if (j === i) continue;
        const conflict = dot(g, rows[j]!);
        if (conflict < 0) {
          const scale = conflict / (gram[j * t + j]! + 1e-8);
          for (let k = 0; k < g.length; k++) g[k]! -= scale * rows[j]![k]!;
        }
      }
      for (let k = 0; k < g.length; k++) direction[k]! += g[k]!;
    }
    return { direction, weights: rows.map(() => 1) };
  }

  override reset(): void {
    this.generator.manualSeed(this.options.seed ?? 0);
  }
}
