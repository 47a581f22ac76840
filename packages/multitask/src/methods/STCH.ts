import { div, log, logsumexp, mul, reshape, stack, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { requireEpoch } from './shared/requireEpoch';
import { requirePositive } from './shared/requirePositive';
import { scaledSoftmax } from './shared/scaledSoftmax';
import { WeightingError } from './shared/WeightingError';
import type { BackwardContext } from './WeightingMethod';

export interface STCHOptions extends LossWeightingOptions {
  /** Smoothing μ of the Tchebycheff max. Default 1. */
  mu?: number;
  /** Epochs of log-loss warm-up (epochs 0 … warmupEpochs − 1). Default 4. */
  warmupEpochs?: number;
  /**
   * The nadir point nᵢ: 'min' (default) — the smallest loss each task had in any warm-up step;
   * 'mean' — the mean of its losses in the last warm-up epoch (LibMTL's choice); or given values.
   */
  nadir?: 'min' | 'mean' | Record<string, number>;
}

/**
 * Smooth Tchebycheff scalarisation (Lin et al., 2024). Warm-up (epoch < `warmupEpochs`):
 * back-propagates Σ log Lᵢ (weights 1/Lᵢ) while recording the nadir nᵢ. Then
 * μ·logsumexp(log(Lᵢ/nᵢ)/μ)·T, whose shared gradient is Σ λᵢ∇Lᵢ with
 * λᵢ = T·softmax_i(log(Lᵢ/nᵢ)/μ)/Lᵢ (the weights reported). With one task both phases are
 * log-loss training: plain training with the gradient scaled by 1/L. Every loss must be > 0.
 * LibMTL runs warmup + 1 log-loss epochs and uses the mean of the last one as nadir; here the
 * warm-up is exactly `warmupEpochs` and the nadir is the minimum unless `nadir: 'mean'`.
 * Needs `context.epoch`.
 */
export class STCH extends LossWeighting {
  static readonly defaults: MethodDefaults<STCHOptions> = {
    ...LOSS_DEFAULTS,
    mu: 1,
    warmupEpochs: 4,
    nadir: 'min',
  };
  readonly name = 'STCH';
  readonly mu: number;
  readonly warmupEpochs: number;
  private readonly nadirMode: 'min' | 'mean' | 'given';
  /** The nadir so far (fixed once the warm-up is over). */
  private nadir: Record<string, number> = Object.create(null);
  /** For 'mean': sums and counts of the last warm-up epoch's losses. */
  private lastWarmup: Record<string, { sum: number; count: number }> = Object.create(null);
  private lastEpoch: number | null = null;

  constructor(options?: STCHOptions) {
    const { mu, warmupEpochs, nadir, ...base } = methodOptions('STCH', options, STCH.defaults, {
      ...LOSS_RULES,
      mu: rules.positive,
      warmupEpochs: rules.integer(0),
      nadir: rules.either(rules.oneOf(['min', 'mean']), rules.taskNumbers),
    });
    super(base);
    if (warmupEpochs === 0 && typeof nadir === 'string') {
      throw new WeightingError(
        'STCH: with warmupEpochs = 0 there is no warm-up to measure the nadir; pass nadir values',
      );
    }
    this.mu = mu;
    this.warmupEpochs = warmupEpochs;
    this.nadirMode = typeof nadir === 'string' ? nadir : 'given';
    if (typeof nadir !== 'string') this.nadir = { ...nadir };
  }

  /** The nadir point recorded (or given), by task. */
  nadirPoint(): Record<string, number> {
    if (this.nadirMode !== 'mean' || Object.keys(this.nadir).length > 0) return { ...this.nadir };
    return Object.fromEntries(Object.entries(this.lastWarmup).map(([t, e]) => [t, e.sum / e.count]));
  }

  protected combine(
    losses: Variable[],
    tasks: string[],
    context: BackwardContext,
  ): { total: Variable; weights: number[] } {
    const epoch = requireEpoch(this.name, context, this.lastEpoch);
    this.lastEpoch = epoch;
    const values = requirePositive(this.name, losses, tasks, 'takes logarithms of the losses');
    if (epoch < this.warmupEpochs) {
      this.recordWarmup(epoch, tasks, values);
      return { total: total(losses.map((l) => log(l))), weights: values.map((v) => 1 / v) };
    }
    if (this.nadirMode === 'mean' && Object.keys(this.nadir).length === 0) this.nadir = this.nadirPoint();
    const nadir = tasks.map((task) => {
      const n = this.nadir[task];
      if (n === undefined || !(n > 0)) {
        throw new WeightingError(
          `STCH: no nadir for task ${JSON.stringify(task)} (got ${String(n)}); it is measured during the ` +
            `${this.warmupEpochs} warm-up epochs (start at epoch 0, loadStateDict after resuming, or pass nadir values > 0)`,
        );
      }
      return n;
    });
    const t = tasks.length;
    const scaled = stack(losses.map((l, i) => reshape(div(log(div(l, nadir[i]!)), this.mu), [])));
    const p = scaledSoftmax(values.map((v, i) => Math.log(v / nadir[i]!) / this.mu));
    return {
      total: mul(logsumexp(scaled, 0), this.mu * t),
      weights: values.map((v, i) => (t * p[i]!) / v),
    };
  }

  private recordWarmup(epoch: number, tasks: string[], values: number[]): void {
    tasks.forEach((task, i) => {
      const v = values[i]!;
      if (this.nadirMode === 'min') {
        this.nadir[task] = Math.min(this.nadir[task] ?? Number.POSITIVE_INFINITY, v);
      } else if (this.nadirMode === 'mean' && epoch === this.warmupEpochs - 1) {
        const entry = this.lastWarmup[task] ?? { sum: 0, count: 0 };
        this.lastWarmup[task] = entry;
        entry.sum += v;
        entry.count += 1;
      }
    });
  }

  override reset(): void {
    if (this.nadirMode !== 'given') this.nadir = Object.create(null);
    this.lastWarmup = Object.create(null);
    this.lastEpoch = null;
  }

  override stateDict(): Record<string, unknown> {
    return {
      nadir: { ...this.nadir },
      lastWarmup: structuredClone(this.lastWarmup),
      lastEpoch: this.lastEpoch,
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.nadir = { ...((state.nadir ?? {}) as Record<string, number>) };
    this.lastWarmup = structuredClone(
      (state.lastWarmup ?? {}) as Record<string, { sum: number; count: number }>,
    );
    this.lastEpoch = typeof state.lastEpoch === 'number' ? state.lastEpoch : null;
  }
}
