import { formatValue } from '@mtl/tensor';
import { OptimError } from '../OptimError';

import type { BaseOptions, Optimizer } from '../Optimizer';
import { lastEpochValue, positiveInteger } from './checks';
import { LRScheduler, type LRSchedulerStateDict } from './LRScheduler';

export interface SequentialLROptions {
  /** The schedulers to run one after another, all built on this optimizer. Required. */
  schedulers: LRScheduler[];
  /** The steps at which to switch to the next scheduler: one fewer than the schedulers, increasing. Required. */
  milestones: number[];
  /** PyTorch's `last_epoch` (the sequence's own step counter starts at lastEpoch + 1). Default -1. */
  lastEpoch?: number;
}

/** `stateDict()` of a SequentialLR: its position and every sequenced scheduler's state dict. */
export interface SequentialLRStateDict {
  lastEpoch: number;
  milestones: number[];
  lastLr: number[];
  schedulers: LRSchedulerStateDict[];
}

/**
 * Runs schedulers one after another, switching at the milestones, as
 * `torch.optim.lr_scheduler.SequentialLR` (e.g. a LinearLR warm-up, then CosineAnnealingLR).
 *
 * Like PyTorch: construction resets every group's lr to its `initialLr`, undoes the construction
 * step of every sequenced scheduler and restarts the first one; at a milestone the next
 * scheduler jumps to its epoch 0 (through its closed form where it has one).
 *
 * ```ts
 * const warmup = new LinearLR(optimizer, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(optimizer, { tMax: 95 });
 * const scheduler = new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  milestones: number[];
  protected readonly stateKeys = ['milestones'] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: SequentialLROptions) {
    super('SequentialLR', optimizer, options, ['schedulers', 'milestones', 'lastEpoch']);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new OptimError(
        `SequentialLR: schedulers must be a non-empty array of schedulers, got ${formatValue(schedulers)}`,
      );
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new OptimError(
          `SequentialLR: schedulers[${i}] must be an epoch-based scheduler (StepLR, LinearLR, …; not ReduceLROnPlateau), got ${formatValue(s)}`,
        );
      }
      if (s instanceof SequentialLR) {
        throw new OptimError(
          `SequentialLR: schedulers[${i}] is a SequentialLR; list its schedulers here instead`,
        );
      }
      if (s.optimizer !== optimizer) {
        throw new OptimError(
          `SequentialLR: schedulers[${i}] (${s.name}) belongs to a different optimizer than the one passed in`,
        );
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new OptimError(
        `SequentialLR: milestones must have one entry fewer than schedulers (${schedulers.length - 1}), got ${formatValue(milestones)}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.checkState();

    const last = lastEpochValue('SequentialLR', options.lastEpoch);
    const groups = this.groups();
    groups.forEach((g, i) => {
      if (g.initialLr === undefined) {
        throw new OptimError(
          `SequentialLR: paramGroups[${i}] has no initialLr (was it added after the schedulers were built?)`,
        );
      }
    });
    this.lastEpoch = last + 1;
    this.baseLrs = groups.map((g) => g.initialLr!);
    for (const g of groups) g.lr = g.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  protected checkState(): void {
    if (!Array.isArray(this.milestones)) {
      throw new OptimError(
        `${this.name}: milestones must be an array of step indices, got ${formatValue(this.milestones)}`,
      );
    }
    let previous = 0;
    this.milestones.forEach((m, i) => {
      positiveInteger(this.name, `milestones[${i}]`, m);
      // PyTorch bisects the milestones, which is only meaningful when they increase.
      if (m <= previous && i > 0) {
        throw new OptimError(
          `${this.name}: milestones must be increasing, got ${formatValue(this.milestones)}`,
        );
      }
      previous = m;
    });
  }

  /** Not used: each step is delegated to the scheduler whose turn it is. */
  protected getLr(): number[] {
    return this.groups().map((g) => g.lr);
  }

  /** Steps the scheduler whose turn it is; at a milestone, that scheduler starts at its epoch 0. */
  override step(...args: unknown[]): void {
    if (args.length > 0 && args[0] !== undefined) {
      throw new OptimError(
        `SequentialLR.step: takes no argument (the sequence counts its own steps), got ${formatValue(args[0])}`,
      );
    }
    const epoch = this.lastEpoch + 1;
    const idx = this.milestones.filter((m) => m <= epoch).length;
    const scheduler = this.schedulers[idx]!;
    // Counted only once the step succeeded (OneCycleLR throws past its last step).
    if (idx > 0 && this.milestones[idx - 1] === epoch) scheduler.step(0);
    else scheduler.step();
    this.lastEpoch = epoch;
    this.lastLr = scheduler.getLastLr();
  }

  /** The sequence's position and every sequenced scheduler's state, as JSON-serialisable data. */
  override stateDict(): LRSchedulerStateDict & SequentialLRStateDict {
    return {
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      milestones: [...this.milestones],
      lastLr: [...this.lastLr],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** Restores `stateDict()` output into this sequence and the schedulers it was built with. */
  override loadStateDict(sd: LRSchedulerStateDict): void {
    const nested = (sd as Partial<SequentialLRStateDict> | null)?.schedulers;
    if (!Array.isArray(nested) || nested.length !== this.schedulers.length) {
      throw new OptimError(
        `SequentialLR.loadStateDict: expected state for ${this.schedulers.length} schedulers, got ${Array.isArray(nested) ? nested.length : formatValue(nested)}`,
      );
    }
    // All or nothing: if a sequenced scheduler refuses its state, everything goes back as it was.
    const before = this.stateDict();
    try {
      super.loadStateDict(sd);
      for (const [i, s] of nested.entries()) this.schedulers[i]!.loadStateDict(s);
    } catch (error) {
      super.loadStateDict(before);
      before.schedulers.forEach((s, i) => {
        this.schedulers[i]!.loadStateDict(s);
      });
      throw error;
    }
  }
}
