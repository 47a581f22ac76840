import { mul, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { methodOptions } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';

/** Fixed weights: back-propagates Σ λᵢLᵢ with λ given per task (tasks not listed get 1). */
export class StaticWeighting extends LossWeighting {
  static readonly defaults = LOSS_DEFAULTS;
  readonly name = 'StaticWeighting';

  constructor(
    readonly weights: Record<string, number>,
    options?: LossWeightingOptions,
  ) {
    super(methodOptions('StaticWeighting', options, StaticWeighting.defaults, LOSS_RULES));
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
      throw new WeightingError(
        `StaticWeighting: weights must be an object of finite numbers by task, e.g. { a: 1, b: 0.5 } — got ${String(weights)}`,
      );
    }
    for (const [task, w] of Object.entries(weights)) {
      if (typeof w !== 'number' || !Number.isFinite(w)) {
        throw new WeightingError(
          `StaticWeighting: the weight of task ${JSON.stringify(task)} must be a finite number, got ${String(w)}`,
        );
      }
    }
  }

  protected combine(losses: Variable[], tasks: string[]): { total: Variable; weights: number[] } {
    const weights = tasks.map((t) => this.weights[t] ?? 1);
    return { total: total(losses.map((l, i) => mul(l, weights[i]!))), weights };
  }
}
