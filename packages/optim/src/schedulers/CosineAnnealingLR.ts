import type { BaseOptions, Optimizer } from '../Optimizer';
import { nonNegativeFinite, positiveInteger } from './checks';
import { LRScheduler } from './LRScheduler';

export interface CosineAnnealingLROptions {
  /** Steps from the base lr down to `etaMin` (half a cosine period). Required. */
  tMax: number;
  /** The lowest lr. Default 0. */
  etaMin?: number;
  /** -1 starts the schedule; a larger value resumes it (the groups need `initialLr`). Default -1. */
  lastEpoch?: number;
}

/**
 * Cosine annealing from each group's base lr to `etaMin` over `tMax` steps, and back up over the
 * next `tMax` (no restarts), as `torch.optim.lr_scheduler.CosineAnnealingLR`.
 *
 * The lr is computed the way PyTorch 1.13 computes it, recursively from the current lr — so an lr
 * set by hand is carried along — with PyTorch's separate branches at the start of each rising
 * half-period and for a resumed run, so sequences agree with PyTorch to rounding.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  protected readonly stateKeys = ['tMax', 'etaMin'] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer, options, ['tMax', 'etaMin', 'lastEpoch']);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.checkState();
    this.start(options.lastEpoch);
  }

  protected checkState(): void {
    positiveInteger(this.name, 'tMax', this.tMax);
    nonNegativeFinite(this.name, 'etaMin', this.etaMin);
  }

  protected getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const groups = this.groups();
    if (t === 0) return groups.map((g) => g.lr);
    // The first step of a resumed run has no previous lr of this schedule to recurse from.
    if (this.stepCount === 1 && t > 0) {
      return zipBase(this.baseLrs, groups).map(
        ([base]) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2,
      );
    }
    // Where the recursion would divide by 1 + cos(π) = 0, PyTorch adds the increment instead.
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return zipBase(this.baseLrs, groups).map(
        ([base, g]) => g.lr + ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2,
      );
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2);
  }
}

/** PyTorch's zip(base_lrs, param_groups): pairs up to the shorter of the two. */
function zipBase<G>(baseLrs: number[], groups: G[]): [number, G][] {
  return groups.slice(0, baseLrs.length).map((g, i) => [baseLrs[i]!, g]);
}
