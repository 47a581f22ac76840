import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';

export interface KrumOptions extends GramianOptions {
  /** f, how many task gradients may be adversarial (outliers). Default 0. Needs T ≥ f + 3. */
  nByzantine?: number;
  /** m, how many gradients are averaged (Multi-Krum; 1 is Krum). Default 1. Needs T ≥ m. */
  nSelected?: number;
}

/**
 * Krum and Multi-Krum (Blanchard et al., 2017), as TorchJD's `Krum`: from the Gramian, the
 * distances ‖gᵢ − gⱼ‖ = √(Gᵢᵢ + Gⱼⱼ − 2Gᵢⱼ); each gradient's score is the sum of its distances
 * to its T − f − 2 nearest other gradients; d is the mean of the m gradients with the lowest
 * scores (weights 1/m on them, 0 elsewhere; exact). Robust to f outlying gradients, it averages
 * the most typical ones; it does not look for a common descent direction.
 *
 * As TorchJD, the score sums distances (the paper sums squared distances). Distances that
 * rounding makes the square root of a negative number are 0 (TorchJD would give NaN). Equal
 * scores go to the lower task index (TorchJD's `topk` leaves ties unspecified). With T = f + 3
 * (three tasks, by default) a score is the distance to the nearest other gradient, so the two
 * closest gradients always tie and Krum picks the first of them. Fewer than f + 3 tasks (or than
 * m) is a WeightingError.
 */
export class Krum extends GramianAggregation {
  static readonly defaults: MethodDefaults<KrumOptions> = {
    ...GRAMIAN_DEFAULTS,
    nByzantine: 0,
    nSelected: 1,
  };
  readonly name = 'Krum';
  readonly nByzantine: number;
  readonly nSelected: number;

  constructor(options?: KrumOptions) {
    const { nByzantine, nSelected, ...gramian } = methodOptions('Krum', options, Krum.defaults, {
      ...GRAMIAN_RULES,
      nByzantine: rules.integer(0),
      nSelected: rules.integer(1),
    });
    super(gramian);
    this.nByzantine = nByzantine;
    this.nSelected = nSelected;
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    if (t < this.nByzantine + 3 || t < this.nSelected) {
      throw new WeightingError(
        `Krum: needs at least ${Math.max(this.nByzantine + 3, this.nSelected)} tasks (nByzantine + 3 = ${this.nByzantine + 3}, nSelected = ${this.nSelected}), got ${t} — lower nByzantine or nSelected, or use another method`,
      );
    }
    const closest = t - this.nByzantine - 2;
    const scores = Array.from({ length: t }, (_, i) => {
      const distances: number[] = [];
      for (let j = 0; j < t; j++) {
        if (j === i) continue;
        distances.push(Math.sqrt(Math.max(gram[i * t + i]! + gram[j * t + j]! - 2 * gram[i * t + j]!, 0)));
      }
      distances.sort((a, b) => a - b);
      let score = 0;
      for (let k = 0; k < closest; k++) score += distances[k]!;
      return score;
    });
    const order = [...scores.keys()].sort((a, b) => scores[a]! - scores[b]! || a - b);
    const weights = new Array<number>(t).fill(0);
    for (const i of order.slice(0, this.nSelected)) weights[i] = 1 / this.nSelected;
    return weights;
  }
}
