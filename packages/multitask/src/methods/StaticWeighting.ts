import { mul, type Variable } from '@mtl/autograd';
import { MtlError } from '@mtl/tensor';
import { LossWeighting, type LossWeightingOptions, total } from './LossWeighting';

/** Fixed weights: back-propagates Σ λᵢLᵢ with λ given per task (tasks not listed get 1). */
export class StaticWeighting extends LossWeighting {
  readonly name = 'StaticWeighting';

  constructor(
    readonly weights: Record<string, number>,
    options: LossWeightingOptions = {},
  ) {
    super(options);
    for (const [task, w] of Object.entries(weights)) {
      if (typeof w !== 'number' || !Number.isFinite(w)) {
        throw new MtlError(
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
