import type { BaseOptions, Optimizer } from '../Optimizer';
import { inInterval, positiveInteger } from './checks';
import { LRScheduler } from './LRScheduler';

export interface LinearLROptions {
  /** The factor on the base lr at the first step, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** The factor reached after `totalIters` steps, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Steps from `startFactor` to `endFactor`. Default 5. */
  totalIters?: number;
  /** -1 starts the schedule; a larger value resumes it (the groups need `initialLr`). Default -1. */
  lastEpoch?: number;
}

/**
 * Scales each group's lr by a factor that moves linearly from `startFactor` to `endFactor` over
 * `totalIters` steps, then stays — a warm-up, or a linear decay — as
 * `torch.optim.lr_scheduler.LinearLR`. Computed as PyTorch does, as a ratio applied to the
 * current lr, so an lr set by hand mid-ramp keeps ramping from there.
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  protected readonly stateKeys = ['startFactor', 'endFactor', 'totalIters'] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: LinearLROptions = {}) {
    super('LinearLR', optimizer, options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    this.checkState();
    this.start(options.lastEpoch);
  }

  protected checkState(): void {
    // PyTorch 1.13 accepts startFactor = 0 and then divides by zero on the second step.
    inInterval(this.name, 'startFactor', this.startFactor, 0, 1, { lo: true });
    inInterval(this.name, 'endFactor', this.endFactor, 0, 1);
    positiveInteger(this.name, 'totalIters', this.totalIters);
  }

  protected getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    const groups = this.groups();
    if (t === 0) return groups.map((g) => g.lr * s);
    if (t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
