import type { BaseOptions, Optimizer } from '../Optimizer';
import { positiveFinite, positiveInteger } from './checks';
import { LRScheduler } from './LRScheduler';

export interface StepLROptions {
  /** Decay every `stepSize` steps. Required. */
  stepSize: number;
  /** The factor of each decay. Default 0.1. */
  gamma?: number;
  /** -1 starts the schedule; a larger value resumes it (the groups need `initialLr`). Default -1. */
  lastEpoch?: number;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` steps, as `torch.optim.lr_scheduler.StepLR`.
 * The decay applies to the current lr, so an lr set by hand in between is decayed from there.
 *
 * ```ts
 * const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); scheduler.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  protected readonly stateKeys = ['stepSize', 'gamma'] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: StepLROptions) {
    super('StepLR', optimizer, options, ['stepSize', 'gamma', 'lastEpoch']);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.checkState();
    this.start(options.lastEpoch);
  }

  protected checkState(): void {
    positiveInteger(this.name, 'stepSize', this.stepSize);
    positiveFinite(this.name, 'gamma', this.gamma);
  }

  protected getLr(): number[] {
    const groups = this.groups();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
