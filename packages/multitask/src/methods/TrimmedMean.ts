import { type AggregationInput, type Combination, GradientAggregation } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';

export interface TrimmedMeanOptions {
  /**
   * f, how many of the largest and how many of the smallest values are dropped in each coordinate
   * (2f in all). Default 1. Needs T ≥ 2f + 1 tasks; 0 is the mean gradient.
   */
  trimNumber?: number;
}

/**
 * The coordinate-wise trimmed mean (Yin et al., 2018), as TorchJD's `TrimmedMean`: in every
 * coordinate of the task gradients, the f largest and f smallest values are dropped and the
 * remaining T − 2f are averaged. Robust to f outlying tasks per coordinate.
 *
 * Not a function of the Gramian, and not one combination of the task gradients: each coordinate
 * keeps its own tasks. The weights reported are a summary — task i's weight is the share of
 * coordinates that kept it, divided by T − 2f (they sum to 1) — and are exact (d = Σ wᵢgᵢ) only
 * when every coordinate keeps the same tasks (always with f = 0: the mean, wᵢ = 1/T). Equal
 * values in a coordinate are ordered by task index (the direction does not depend on it).
 * Fewer than 2f + 1 tasks is a WeightingError.
 */
export class TrimmedMean extends GradientAggregation {
  static readonly defaults: MethodDefaults<TrimmedMeanOptions> = { trimNumber: 1 };
  readonly name = 'TrimmedMean';
  readonly trimNumber: number;

  constructor(options?: TrimmedMeanOptions) {
    super();
    const { trimNumber } = methodOptions('TrimmedMean', options, TrimmedMean.defaults, {
      trimNumber: rules.integer(0),
    });
    this.trimNumber = trimNumber;
  }

  protected direction({ rows }: AggregationInput): Combination {
    const t = rows.length;
    const f = this.trimNumber;
    if (t < 2 * f + 1) {
      throw new WeightingError(
        `TrimmedMean: trimNumber ${f} drops ${2 * f} of every coordinate's values, which needs at least ${2 * f + 1} tasks, got ${t} — lower trimNumber`,
      );
    }
    const n = rows[0]!.length;
    const kept = t - 2 * f;
    const direction = new Float64Array(n);
    const counts = new Float64Array(t);
    const order = new Int32Array(t);
    for (let k = 0; k < n; k++) {
      // Insertion sort of the T task indices by value (then index): T is small.
      for (let i = 0; i < t; i++) {
        const v = rows[i]![k]!;
        let p = i;
        while (p > 0 && rows[order[p - 1]!]![k]! > v) {
          order[p] = order[p - 1]!;
          p--;
        }
        order[p] = i;
      }
      let s = 0;
      for (let p = f; p < t - f; p++) {
        const i = order[p]!;
        s += rows[i]![k]!;
        counts[i]! += 1;
      }
      direction[k] = s / kept;
    }
    const weights = Array.from(counts, (c) => (n > 0 ? c / (n * kept) : 1 / t));
    return { direction, weights };
  }
}
