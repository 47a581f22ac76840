import { formatValue } from '@mtl/tensor';
import { OptimError } from '../OptimError';

import type { BaseOptions, Optimizer } from '../Optimizer';
import { LRScheduler } from './LRScheduler';

/** A factor on the base lr as a function of the step index (0 at construction). */
export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions {
  /** One function for every group, or one per group. Required. */
  lrLambda: LrLambda | LrLambda[];
  /** -1 starts the schedule; a larger value resumes it (the groups need `initialLr`). Default -1. */
  lastEpoch?: number;
}

/**
 * Sets each group's lr to its base lr times `lrLambda(epoch)`, as
 * `torch.optim.lr_scheduler.LambdaLR`. Not chainable: an lr set by hand is overwritten at the
 * next step. `stateDict()` cannot hold the functions (PyTorch also drops plain lambdas); pass the
 * same ones to the scheduler you load into.
 *
 * ```ts
 * new LambdaLR(optimizer, { lrLambda: (epoch) => 0.95 ** epoch });
 * ```
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];
  protected readonly stateKeys = [] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: LambdaLROptions) {
    super('LambdaLR', optimizer, options, ['lrLambda', 'lastEpoch']);
    const groups = optimizer.paramGroups.length;
    const fn = options.lrLambda;
    if (Array.isArray(fn)) {
      if (fn.length !== groups) {
        throw new OptimError(
          `LambdaLR: lrLambda has ${fn.length} functions but the optimizer has ${groups} parameter groups`,
        );
      }
      fn.forEach((f, i) => {
        if (typeof f !== 'function')
          throw new OptimError(`LambdaLR: lrLambda[${i}] must be a function, got ${typeof f}`);
      });
      this.lrLambdas = [...fn];
    } else {
      if (typeof fn !== 'function') {
        throw new OptimError(
          `LambdaLR: lrLambda must be a function of the epoch (or one per group), got ${typeof fn}`,
        );
      }
      this.lrLambdas = new Array<LrLambda>(groups).fill(fn);
    }
    this.start(options.lastEpoch);
  }

  protected checkState(): void {}

  protected getLr(): number[] {
    const n = Math.min(this.lrLambdas.length, this.baseLrs.length);
    return this.baseLrs.slice(0, n).map((base, i) => {
      const factor: unknown = this.lrLambdas[i]!(this.lastEpoch);
      if (typeof factor !== 'number') {
        throw new OptimError(
          `LambdaLR: lrLambda${this.lrLambdas.length > 1 ? `[${i}]` : ''}(${this.lastEpoch}) returned ${formatValue(factor)}; it must return a number (the factor on the base lr)`,
        );
      }
      return base * factor;
    });
  }
}
