import { checkInteger, checkOptionsObject, formatValue, isPlainObject } from '@mtl/tensor';
import { OptimError } from '../OptimError';

import { type BaseOptions, Optimizer, type ParamGroup } from '../Optimizer';

import { isPlainData } from '../validate';

import { lastEpochValue } from './checks';

/**
 * A parameter group as the schedulers see it. Like PyTorch's `initial_lr`, `initialLr` lives on
 * the group itself (written by the first scheduler built on the optimizer), so a second scheduler
 * and a resumed run (through the optimizer's state dict) start from the same base lr.
 */
export type ScheduledGroup = ParamGroup<BaseOptions> & { initialLr?: number };

/** `stateDict()` of an epoch-based scheduler: plain JSON (lambdas are not included). */
export interface LRSchedulerStateDict {
  lastEpoch: number;
  stepCount: number;
  baseLrs: number[];
  lastLr: number[];
  [option: string]: unknown;
}

/**
 * The base of the epoch-based schedulers, as PyTorch's `_LRScheduler`: it holds the optimizer,
 * `lastEpoch`, each group's base lr (`baseLrs`, from the group's `initialLr`) and the last lrs it
 * wrote. `step()` advances `lastEpoch` and writes `group.lr` from `getLr()`; a subclass supplies
 * `getLr()` (PyTorch's chainable form, which mostly reads the current `group.lr`, so a
 * hand-set lr carries on) and, where PyTorch has one, `closedFormLr()`.
 *
 * A subclass constructor checks its options, sets its fields, then calls `start(lastEpoch)`,
 * which performs PyTorch's initial step: after construction `group.lr` is what PyTorch gives.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<BaseOptions>;
  /** The index of the last step taken (PyTorch's `last_epoch`): 0 right after construction. */
  lastEpoch = -1;
  /** Each group's lr at the start of the schedule (its `initialLr`). */
  baseLrs: number[] = [];
  /** How many times `step()` ran since `start`; CosineAnnealingLR's resume branch reads it. */
  protected stepCount = 0;
  protected lastLr: number[] = [];
  /** The hyperparameters that `stateDict()` saves besides the common fields. */
  protected abstract readonly stateKeys: readonly string[];

  protected constructor(
    /** The class name, for messages. */
    readonly name: string,
    optimizer: Optimizer<BaseOptions>,
    options: unknown,
    known: readonly string[],
  ) {
    if (!(optimizer instanceof Optimizer)) {
      throw new OptimError(
        `${name}: the first argument must be an Optimizer (SGD, Adam, …), got ${formatValue(optimizer)}`,
      );
    }
    checkOptionsObject(name, options, known, { ErrorType: OptimError });
    this.optimizer = optimizer;
  }

  /** The lrs for the current `lastEpoch`, from the groups' current lrs where PyTorch chains. */
  protected abstract getLr(): number[];

  /** The lrs for `lastEpoch` computed from `baseLrs` alone; used by `step(epoch)` where PyTorch has it. */
  protected closedFormLr?(): number[];

  /** The optimizer's groups, typed with the keys schedulers add. */
  protected groups(): ScheduledGroup[] {
    return this.optimizer.paramGroups as ScheduledGroup[];
  }

  /**
   * Records the base lrs and takes the initial step. `lastEpoch = -1` starts a schedule (each
   * group's `initialLr` defaults to its lr); a larger value resumes one, which needs `initialLr`
   * on every group already, as PyTorch does.
   */
  protected start(lastEpoch: unknown): void {
    const epoch = lastEpochValue(this.name, lastEpoch);
    const groups = this.groups();
    if (epoch === -1) {
      for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new OptimError(
            `${this.name}: lastEpoch=${epoch} resumes a schedule, but paramGroups[${i}] has no initialLr (load the optimizer's state dict first, or set it)`,
          );
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = epoch;
    this.initialStep();
  }

  /**
   * PyTorch's `_initial_step`: restarts the step count and takes one step. SequentialLR calls it
   * on the first scheduler it sequences; there is no other reason to call it.
   */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances the schedule one step and writes each group's lr. With `epoch` (deprecated in
   * PyTorch, kept because SequentialLR needs it) the schedule jumps to that epoch, through the
   * closed form where there is one. A step that throws leaves the scheduler as it was.
   */
  step(epoch?: number): void {
    const saved = [this.lastEpoch, this.stepCount] as const;
    let values: number[];
    try {
      this.stepCount += 1;
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        if (!Number.isInteger(epoch))
          throw new OptimError(`${this.name}.step: epoch must be an integer, got ${formatValue(epoch)}`);
        this.lastEpoch = epoch;
        values = this.closedFormLr ? this.closedFormLr() : this.getLr();
      }
    } catch (error) {
      [this.lastEpoch, this.stepCount] = saved;
      throw error;
    }
    const groups = this.groups();
    // zip(): a group added after the scheduler was built may have no value, as in PyTorch.
    for (let i = 0; i < Math.min(groups.length, values.length); i++) groups[i]!.lr = values[i]!;
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The lrs the last `step()` wrote, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The schedule's position and hyperparameters, as JSON-serialisable data. */
  stateDict(): LRSchedulerStateDict {
    const sd: LRSchedulerStateDict = {
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
    };
    const self = this as unknown as Record<string, unknown>;
    for (const key of this.stateKeys) sd[key] = structuredClone(self[key]);
    return sd;
  }

  /**
   * Restores `stateDict()` output, hyperparameters included (as PyTorch does). Load the
   * optimizer's state dict too: the current lrs live in its groups.
   */
  loadStateDict(sd: LRSchedulerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (!isPlainObject(sd))
      throw new OptimError(
        `${where}: expected the object scheduler.stateDict() returns, got ${formatValue(sd)}`,
      );
    checkInteger(where, 'lastEpoch', sd.lastEpoch, { min: -1 }, OptimError);
    checkInteger(where, 'stepCount', sd.stepCount, { min: 0 }, OptimError);
    for (const key of ['baseLrs', 'lastLr'] as const) {
      const v = sd[key];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        throw new OptimError(`${where}: ${key} must be an array of finite numbers, got ${formatValue(v)}`);
      }
    }
    for (const key of this.stateKeys) {
      if (!Object.hasOwn(sd, key))
        throw new OptimError(
          `${where}: missing ${JSON.stringify(key)} (is it another scheduler's state dict?)`,
        );
      if (!isPlainData(sd[key]))
        throw new OptimError(
          `${where}: ${key} must be plain data (numbers, strings, arrays), got ${formatValue(sd[key])}`,
        );
    }
    const self = this as unknown as Record<string, unknown>;
    const before = Object.fromEntries(this.stateKeys.map((k) => [k, self[k]]));
    for (const key of this.stateKeys) self[key] = structuredClone(sd[key]);
    try {
      this.checkState();
    } catch (error) {
      Object.assign(self, before);
      throw error;
    }
    this.lastEpoch = sd.lastEpoch;
    this.stepCount = sd.stepCount;
    this.baseLrs = [...sd.baseLrs];
    this.lastLr = [...sd.lastLr];
  }

  /** Re-checks the hyperparameters after `loadStateDict`; throws an OptimError naming the bad one. */
  protected abstract checkState(): void;
}
