import { checkOptionsObject, formatValue, isPlainObject, Tensor } from '@mtl/tensor';

import { OptimError } from '../OptimError';

import { type BaseOptions, Optimizer } from '../Optimizer';

import { inInterval, nonNegativeFinite, nonNegativeInteger, oneOf, perGroup } from './checks';
import type { ScheduledGroup } from './LRScheduler';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** The lr is multiplied by `factor` on a plateau, in [0, 1). Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** The least change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again. Default 0. */
  cooldown?: number;
  /** The lowest lr: one for all groups, or one per group. Default 0. */
  minLr?: number | number[];
  /** A reduction smaller than `eps` is skipped. Default 1e-8. */
  eps?: number;
}

/** `stateDict()` of ReduceLROnPlateau; an infinite `best` is stored as the string "Infinity" / "-Infinity". */
export interface ReduceLROnPlateauStateDict {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number | 'Infinity' | '-Infinity';
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
  lastLr: number[];
}

const KNOWN = [
  'mode',
  'factor',
  'patience',
  'threshold',
  'thresholdMode',
  'cooldown',
  'minLr',
  'eps',
] as const;

/**
 * Reduces each group's lr by `factor` when a metric has not improved for more than `patience`
 * steps, as `torch.optim.lr_scheduler.ReduceLROnPlateau`. Step it with the metric:
 * `scheduler.step(validationLoss)`. It reads and writes `group.lr`, so an lr set by hand is
 * reduced from its new value. Unlike the epoch-based schedulers it takes no step at construction.
 *
 * ```ts
 * const scheduler = new ReduceLROnPlateau(optimizer, { mode: 'min', patience: 5 });
 * for (const epoch of epochs) { train(); scheduler.step(validate()); }
 * ```
 */
export class ReduceLROnPlateau {
  readonly name = 'ReduceLROnPlateau';
  readonly optimizer: Optimizer<BaseOptions>;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  /** The lowest lr of each group. */
  minLrs: number[];
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Steps since the metric last improved (not counted during a cooldown). */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  /** How many times `step` ran. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer<BaseOptions>, options: ReduceLROnPlateauOptions = {}) {
    const name = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) {
      throw new OptimError(
        `${name}: the first argument must be an Optimizer (SGD, Adam, …), got ${formatValue(optimizer)}`,
      );
    }
    checkOptionsObject(name, options, KNOWN, { ErrorType: OptimError });
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    const minLr = options.minLr ?? 0;
    this.minLrs = perGroup(name, 'minLr', minLr, optimizer.paramGroups.length) as number[];
    this.checkState(Array.isArray(minLr) ? 'minLr' : null);
    this.best = this.worst();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private checkState(perGroupName: string | null = 'minLrs'): void {
    oneOf(this.name, 'mode', this.mode, ['min', 'max'] as const);
    inInterval(this.name, 'factor', this.factor, 0, 1, { hi: true });
    nonNegativeInteger(this.name, 'patience', this.patience);
    nonNegativeFinite(this.name, 'threshold', this.threshold);
    oneOf(this.name, 'thresholdMode', this.thresholdMode, ['rel', 'abs'] as const);
    nonNegativeInteger(this.name, 'cooldown', this.cooldown);
    nonNegativeFinite(this.name, 'eps', this.eps);
    if (!Array.isArray(this.minLrs))
      throw new OptimError(`${this.name}: minLrs must be an array, got ${formatValue(this.minLrs)}`);
    for (const [i, v] of this.minLrs.entries()) {
      nonNegativeFinite(this.name, perGroupName === null ? 'minLr' : `${perGroupName}[${i}]`, v);
    }
  }

  /** The worst possible metric for the mode: the first metric always improves on it. */
  private worst(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether a cooldown is running (bad steps are not counted). */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /**
   * Records one value of the metric (a number or a one-element tensor) and reduces the lrs if it
   * has not improved for more than `patience` steps. NaN never counts as an improvement, as in
   * PyTorch.
   */
  step(metric: number | Tensor): void {
    let current: number;
    if (typeof metric === 'number') current = metric;
    else if (metric instanceof Tensor && metric.size === 1 && metric.dtype !== 'bool')
      current = Number(metric.item());
    else
      throw new OptimError(
        `${this.name}.step: metric must be a number or a one-element tensor, got ${formatValue(metric)}`,
      );
    this.lastEpoch += 1;

    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    (this.optimizer.paramGroups as ScheduledGroup[]).forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i] ?? 0);
      // A reduction within eps (e.g. already at minLr) is skipped.
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  /** The lrs after the last `step` (the groups' lrs at construction before any). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's counters and hyperparameters as JSON-serialisable data. */
  stateDict(): ReduceLROnPlateauStateDict {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: [...this.minLrs],
      eps: this.eps,
      // JSON has no Infinity, and the best value is ±Infinity until the first step.
      best: Number.isFinite(this.best) ? this.best : this.best > 0 ? 'Infinity' : '-Infinity',
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
    };
  }

  /** Restores `stateDict()` output, hyperparameters included (as PyTorch does). */
  loadStateDict(sd: ReduceLROnPlateauStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (!isPlainObject(sd))
      throw new OptimError(
        `${where}: expected the object scheduler.stateDict() returns, got ${formatValue(sd)}`,
      );
    const keys = [...Object.keys(this.stateDict())] as (keyof ReduceLROnPlateauStateDict)[];
    for (const key of keys) {
      if (!(key in sd))
        throw new OptimError(
          `${where}: missing ${JSON.stringify(key)} (is it another scheduler's state dict?)`,
        );
    }
    const best =
      sd.best === 'Infinity'
        ? Number.POSITIVE_INFINITY
        : sd.best === '-Infinity'
          ? Number.NEGATIVE_INFINITY
          : sd.best;
    if (typeof best !== 'number' || Number.isNaN(best))
      throw new OptimError(
        `${where}: best must be a number or "Infinity"/"-Infinity", got ${formatValue(sd.best)}`,
      );
    for (const key of ['numBadEpochs', 'cooldownCounter', 'lastEpoch'] as const) {
      nonNegativeInteger(where, key, sd[key]);
    }
    if (!Array.isArray(sd.lastLr) || sd.lastLr.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      throw new OptimError(
        `${where}: lastLr must be an array of finite numbers, got ${formatValue(sd.lastLr)}`,
      );
    const hyper = (o: ReduceLROnPlateauStateDict | this) => ({
      mode: o.mode,
      factor: o.factor,
      patience: o.patience,
      threshold: o.threshold,
      thresholdMode: o.thresholdMode,
      cooldown: o.cooldown,
      minLrs: Array.isArray(o.minLrs) ? [...o.minLrs] : o.minLrs,
      eps: o.eps,
    });
    const before = hyper(this);
    Object.assign(this, hyper(sd));
    try {
      this.checkState();
    } catch (error) {
      Object.assign(this, before);
      throw error;
    }
    this.best = best;
    this.numBadEpochs = sd.numBadEpochs;
    this.cooldownCounter = sd.cooldownCounter;
    this.lastEpoch = sd.lastEpoch;
    this.lastLr = [...sd.lastLr];
  }
}
