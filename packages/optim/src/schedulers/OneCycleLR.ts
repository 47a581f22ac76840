import { formatValue } from '@mtl/tensor';
import { OptimError } from '../OptimError';

import type { BaseOptions, Optimizer } from '../Optimizer';
import {
  inInterval,
  isBoolean,
  lastEpochValue,
  nonNegativeFinite,
  oneOf,
  perGroup,
  positiveFinite,
  positiveInteger,
} from './checks';
import { LRScheduler, type ScheduledGroup } from './LRScheduler';

export interface OneCycleLROptions {
  /** The peak lr: one for all groups, or one per group. Required. */
  maxLr: number | number[];
  /** Steps in the cycle. Give this, or `epochs` and `stepsPerEpoch` (it takes precedence). */
  totalSteps?: number;
  /** With `stepsPerEpoch`, gives `totalSteps = epochs * stepsPerEpoch`. */
  epochs?: number;
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent raising the lr, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** How to move between the phase ends. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD, RMSprop) or `betas[0]` (Adam, AdamW) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** The momentum at the lr peak: one for all groups, or one per group. Default 0.85. */
  baseMomentum?: number | number[];
  /** The momentum at the start and end: one for all groups, or one per group. Default 0.95. */
  maxMomentum?: number | number[];
  /** The starting lr is `maxLr / divFactor`. Default 25. */
  divFactor?: number;
  /** The final lr is the starting lr / `finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases as in the paper (up, down to the starting lr, then down to the final lr) instead of fastai's two. Default false. */
  threePhase?: boolean;
  /** -1 starts the cycle; a larger value resumes it (the groups need initialLr, maxLr, minLr and the momenta). Default -1. */
  lastEpoch?: number;
}

export type LrKey = 'initialLr' | 'maxLr' | 'minLr';
export type MomentumKey = 'maxMomentum' | 'baseMomentum';

/** One phase of the cycle: it ends at `endStep` and moves between the named group values. */
export interface OneCyclePhase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/** The keys OneCycleLR keeps on each group, as PyTorch does (`max_lr`, `min_lr`, …), so a resumed run finds them. */
type CycleGroup = ScheduledGroup & {
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
  momentum?: number;
  betas?: [number, number];
};

const KNOWN = [
  'maxLr',
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
  'lastEpoch',
] as const;

/**
 * The 1cycle policy, as `torch.optim.lr_scheduler.OneCycleLR`: the lr rises from
 * `maxLr / divFactor` to `maxLr` over the first `pctStart` of `totalSteps`, then anneals to
 * `maxLr / divFactor / finalDivFactor`, while the momentum (or Adam's `betas[0]`) moves the
 * opposite way between `maxMomentum` and `baseMomentum`. Step it after every batch.
 *
 * As in PyTorch, the values of the cycle are kept on each group (`initialLr`, `maxLr`, `minLr`,
 * `maxMomentum`, `baseMomentum`); `step()` may be called `totalSteps` times after construction
 * and throws after that. Not chainable: it overwrites the lr.
 *
 * ```ts
 * const scheduler = new OneCycleLR(optimizer, { maxLr: 0.01, epochs: 10, stepsPerEpoch: batches });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether the momentum cycled is `betas[0]` (the optimizer has betas) rather than `momentum`. */
  useBeta1: boolean;
  phases: OneCyclePhase[];
  protected readonly stateKeys = [
    'totalSteps',
    'annealStrategy',
    'cycleMomentum',
    'useBeta1',
    'phases',
  ] as const;

  constructor(optimizer: Optimizer<BaseOptions>, options: OneCycleLROptions) {
    super('OneCycleLR', optimizer, options, KNOWN);
    const name = this.name;
    const {
      pctStart = 0.3,
      annealStrategy = 'cos',
      cycleMomentum = true,
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
    } = options;

    if (options.totalSteps !== undefined) {
      positiveInteger(name, 'totalSteps', options.totalSteps);
      this.totalSteps = options.totalSteps;
    } else if (options.epochs === undefined && options.stepsPerEpoch === undefined) {
      throw new OptimError(
        'OneCycleLR: give totalSteps, or epochs and stepsPerEpoch (totalSteps = epochs * stepsPerEpoch)',
      );
    } else {
      positiveInteger(name, 'epochs', options.epochs);
      positiveInteger(name, 'stepsPerEpoch', options.stepsPerEpoch);
      this.totalSteps = options.epochs * options.stepsPerEpoch;
      positiveInteger(name, 'epochs * stepsPerEpoch', this.totalSteps);
    }
    inInterval(name, 'pctStart', pctStart, 0, 1);
    oneOf(name, 'annealStrategy', annealStrategy, ['cos', 'linear'] as const);
    isBoolean(name, 'cycleMomentum', cycleMomentum);
    isBoolean(name, 'threePhase', threePhase);
    positiveFinite(name, 'divFactor', divFactor);
    positiveFinite(name, 'finalDivFactor', finalDivFactor);
    const lastEpoch = lastEpochValue(name, options.lastEpoch);
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.phases = phasesOf(this.totalSteps, pctStart, threePhase);

    const groups = this.groups() as CycleGroup[];
    const maxLrs = perGroup(name, 'maxLr', options.maxLr, groups.length);
    for (const [i, v] of maxLrs.entries()) {
      positiveFinite(name, Array.isArray(options.maxLr) ? `maxLr[${i}]` : 'maxLr', v);
    }

    this.useBeta1 = 'betas' in optimizer.defaults;
    let maxMomenta: number[] = [];
    let baseMomenta: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !this.useBeta1) {
        throw new OptimError(
          `OneCycleLR: cycleMomentum needs an optimizer with momentum or betas, and ${optimizer.name} has neither; pass cycleMomentum: false`,
        );
      }
      maxMomenta = this.momenta('maxMomentum', options.maxMomentum ?? 0.95, groups.length);
      baseMomenta = this.momenta('baseMomentum', options.baseMomentum ?? 0.85, groups.length);
    }

    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = (maxLrs[i] as number) / divFactor;
        g.maxLr = maxLrs[i] as number;
        g.minLr = g.initialLr / finalDivFactor;
        if (cycleMomentum) {
          this.setMomentum(g, maxMomenta[i]!);
          g.maxMomentum = maxMomenta[i]!;
          g.baseMomentum = baseMomenta[i]!;
        }
      });
    } else {
      const needed = cycleMomentum
        ? ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum']
        : ['initialLr', 'maxLr', 'minLr'];
      groups.forEach((g, i) => {
        const missing = needed.filter(
          (k) => typeof (g as unknown as Record<string, unknown>)[k] !== 'number',
        );
        if (missing.length > 0) {
          throw new OptimError(
            `OneCycleLR: lastEpoch=${lastEpoch} resumes a cycle, but paramGroups[${i}] has no ${missing.join(', ')} (load the optimizer's state dict first)`,
          );
        }
      });
    }
    this.start(lastEpoch);
  }

  protected checkState(): void {
    positiveInteger(this.name, 'totalSteps', this.totalSteps);
    oneOf(this.name, 'annealStrategy', this.annealStrategy, ['cos', 'linear'] as const);
    isBoolean(this.name, 'cycleMomentum', this.cycleMomentum);
    isBoolean(this.name, 'useBeta1', this.useBeta1);
    const lrKeys = ['initialLr', 'maxLr', 'minLr'];
    const momentumKeys = ['maxMomentum', 'baseMomentum'];
    const valid = (p: OneCyclePhase) =>
      typeof p === 'object' &&
      p !== null &&
      typeof p.endStep === 'number' &&
      Number.isFinite(p.endStep) &&
      lrKeys.includes(p.startLr) &&
      lrKeys.includes(p.endLr) &&
      momentumKeys.includes(p.startMomentum) &&
      momentumKeys.includes(p.endMomentum);
    if (!Array.isArray(this.phases) || this.phases.length === 0 || !this.phases.every(valid)) {
      throw new OptimError(
        `${this.name}: phases must be a list of { endStep, startLr, endLr, … }, got ${formatValue(this.phases)}`,
      );
    }
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new OptimError(
        `OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps} (step() may be called totalSteps times after construction)`,
      );
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    const groups = this.groups() as CycleGroup[];
    const lrs: number[] = [];
    const momenta: number[] = [];
    for (const group of groups) {
      const g = group as unknown as Record<string, number>;
      let startStep = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.phases.length - 1) {
          // Python raises ZeroDivisionError here; JS would quietly produce NaN.
          if (endStep === startStep) {
            throw new OptimError(
              `OneCycleLR: phase ${i + 1} of the cycle has no length (it ends at step ${endStep}, where it starts), so step ${stepNum} cannot be placed in it; change pctStart or totalSteps (${this.totalSteps})`,
            );
          }
          const pct = (stepNum - startStep) / (endStep - startStep);
          lrs.push(anneal(g[phase.startLr]!, g[phase.endLr]!, pct));
          if (this.cycleMomentum) momenta.push(anneal(g[phase.startMomentum]!, g[phase.endMomentum]!, pct));
          break;
        }
        startStep = phase.endStep;
      }
    }
    if (this.cycleMomentum) for (const [i, g] of groups.entries()) this.setMomentum(g, momenta[i]!);
    return lrs;
  }

  /** Momentum goes into `betas[0]` for Adam-family groups (a new pair: the defaults share the old one). */
  private setMomentum(group: CycleGroup, value: number): void {
    if (this.useBeta1) group.betas = [value, group.betas![1]];
    else group.momentum = value;
  }

  private momenta(option: string, value: unknown, groups: number): number[] {
    return perGroup(this.name, option, value, groups).map((v, i) => {
      const label = Array.isArray(value) ? `${option}[${i}]` : option;
      // betas[0] must stay in [0, 1) for Adam to accept it at its next step.
      if (this.useBeta1) inInterval(this.name, label, v, 0, 1, { hi: true });
      else nonNegativeFinite(this.name, label, v);
      return v;
    });
  }
}

/** PyTorch's `_schedule_phases`: fastai's two phases, or the paper's three. */
function phasesOf(totalSteps: number, pctStart: number, threePhase: boolean): OneCyclePhase[] {
  const up = pctStart * totalSteps - 1;
  if (threePhase) {
    return [
      {
        endStep: up,
        startLr: 'initialLr',
        endLr: 'maxLr',
        startMomentum: 'maxMomentum',
        endMomentum: 'baseMomentum',
      },
      {
        endStep: 2 * pctStart * totalSteps - 2,
        startLr: 'maxLr',
        endLr: 'initialLr',
        startMomentum: 'baseMomentum',
        endMomentum: 'maxMomentum',
      },
      {
        endStep: totalSteps - 1,
        startLr: 'initialLr',
        endLr: 'minLr',
        startMomentum: 'maxMomentum',
        endMomentum: 'maxMomentum',
      },
    ];
  }
  return [
    {
      endStep: up,
      startLr: 'initialLr',
      endLr: 'maxLr',
      startMomentum: 'maxMomentum',
      endMomentum: 'baseMomentum',
    },
    {
      endStep: totalSteps - 1,
      startLr: 'maxLr',
      endLr: 'minLr',
      startMomentum: 'baseMomentum',
      endMomentum: 'maxMomentum',
    },
  ];
}

/** Cosine from `start` to `end` as `pct` goes from 0 to 1, in PyTorch's operation order. */
function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
