import { formatValue } from '@mtl/tensor';
import { OptimError } from '../OptimError';

import type { BaseOptions, Optimizer } from '../Optimizer';
import { nonNegativeInteger, positiveFinite } from './checks';
import { LRScheduler } from './LRScheduler';

export interface MultiStepLROptions {
  /** The steps at which to decay. A step listed k times decays by `gamma ** k` (PyTorch counts them). Required. */
  milestones: number[];
  /** The factor of each decay. Default 0.1. */
  gamma?: number;
  /** -1 starts the schedule; a larger value resumes it (the groups need `initialLr`). Default -1. */
  lastEpoch?: number;
}

/**
 * Multiplies each group's lr by `gamma` when the step count reaches a milestone, as
 * `torch.optim.lr_scheduler.MultiStepLR`. Milestones need not be sorted (PyTorch keeps a
 * Counter), and a repeated milestone decays once per repetition.
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;
  protected readonly stateKeys = ['milestones', 'gamma'] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: MultiStepLROptions) {
    super('MultiStepLR', optimizer, options, ['milestones', 'gamma', 'lastEpoch']);
    this.milestones = Array.isArray(options.milestones) ? [...options.milestones] : options.milestones;
    this.gamma = options.gamma ?? 0.1;
    this.checkState();
    this.start(options.lastEpoch);
  }

  protected checkState(): void {
    if (!Array.isArray(this.milestones)) {
      throw new OptimError(
        `${this.name}: milestones must be an array of step indices, got ${formatValue(this.milestones)}`,
      );
    }
    for (const [i, m] of this.milestones.entries()) nonNegativeInteger(this.name, `milestones[${i}]`, m);
    positiveFinite(this.name, 'gamma', this.gamma);
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const groups = this.groups();
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    // bisect_right over the sorted milestones: how many are ≤ lastEpoch.
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}
