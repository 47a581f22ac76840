import { OptimError } from '../OptimError';
import type { BaseOptions, Optimizer } from '../Optimizer';
import { positiveFinite } from './checks';
import { LRScheduler } from './LRScheduler';

export interface ExponentialLROptions {
  /** The factor applied at every step. Required. */
  gamma: number;
  /** -1 starts the schedule; a larger value resumes it (the groups need `initialLr`). Default -1. */
  lastEpoch?: number;
}

/** Multiplies each group's lr by `gamma` at every step, as `torch.optim.lr_scheduler.ExponentialLR`. */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  protected readonly stateKeys = ['gamma'] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: ExponentialLROptions) {
    super('ExponentialLR', optimizer, options, ['gamma', 'lastEpoch']);
    if (options.gamma === undefined) {
      throw new OptimError(
        'ExponentialLR: gamma is required (e.g. new ExponentialLR(optimizer, { gamma: 0.9 }))',
      );
    }
    this.gamma = options.gamma;
    this.checkState();
    this.start(options.lastEpoch);
  }

  protected checkState(): void {
    positiveFinite(this.name, 'gamma', this.gamma);
  }

  protected getLr(): number[] {
    const groups = this.groups();
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}
