import { mul, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { requireEpoch } from './shared/requireEpoch';
import { scaledSoftmax } from './shared/scaledSoftmax';
import { WeightingError } from './shared/WeightingError';
import type { BackwardContext } from './WeightingMethod';

export interface DWAOptions extends LossWeightingOptions {
  /** Softmax temperature τ. Default 2, as the paper and LibMTL. */
  temperature?: number;
}

/** Sum and count of the loss values a task had in one epoch. */
type EpochSums = Record<string, { sum: number; count: number }>;

/**
 * Dynamic Weight Average (Liu et al., 2019): λᵢ = T·softmax_i(wᵢ/τ) with wᵢ = L̄ᵢ(e−1)/L̄ᵢ(e−2),
 * where L̄ᵢ(k) is the mean of the loss values task i had in the `backward` calls of epoch k
 * (the epoch-mean training loss, as LibMTL's loss buffer). λ = 1 in epochs 0 and 1. Back-propagates
 * Σ λᵢLᵢ. Needs `context.epoch` on every call; epochs must not go back (call `reset()` for a new run).
 */
export class DWA extends LossWeighting {
  static readonly defaults: MethodDefaults<DWAOptions> = { ...LOSS_DEFAULTS, temperature: 2 };
  readonly name = 'DWA';
  readonly temperature: number;
  /** Per epoch, per task: the sum and count of the losses seen. Epochs before e−2 are dropped. */
  private history = new Map<number, EpochSums>();
  private lastEpoch: number | null = null;

  constructor(options?: DWAOptions) {
    const { temperature, ...base } = methodOptions('DWA', options, DWA.defaults, {
      ...LOSS_RULES,
      temperature: rules.positive,
    });
    super(base);
    this.temperature = temperature;
  }

  protected combine(
    losses: Variable[],
    tasks: string[],
    context: BackwardContext,
  ): { total: Variable; weights: number[] } {
    const epoch = requireEpoch(this.name, context, this.lastEpoch);
    this.lastEpoch = epoch;
    this.record(epoch, tasks, losses);
    const weights = epoch < 2 ? tasks.map(() => 1) : this.weightsAt(epoch, tasks);
    return { total: total(losses.map((l, i) => mul(l, weights[i]!))), weights };
  }

  /** The epoch-mean loss of a task in an epoch, or undefined if none was recorded. */
  epochMean(task: string, epoch: number): number | undefined {
    const entry = this.history.get(epoch)?.[task];
    return entry === undefined ? undefined : entry.sum / entry.count;
  }

  private record(epoch: number, tasks: string[], losses: Variable[]): void {
    let sums = this.history.get(epoch);
    if (sums === undefined) {
      sums = Object.create(null) as EpochSums;
      this.history.set(epoch, sums);
      for (const e of this.history.keys()) if (e < epoch - 2) this.history.delete(e);
    }
    tasks.forEach((task, i) => {
      const entry = sums[task] ?? { sum: 0, count: 0 };
      sums[task] = entry;
      entry.sum += losses[i]!.item();
      entry.count += 1;
    });
  }

  private weightsAt(epoch: number, tasks: string[]): number[] {
    const ratios = tasks.map((task) => {
      const previous = this.epochMean(task, epoch - 1);
      const before = this.epochMean(task, epoch - 2);
      if (previous === undefined || before === undefined) {
        const missing = previous === undefined ? epoch - 1 : epoch - 2;
        throw new WeightingError(
          `DWA: no losses of task ${JSON.stringify(task)} were recorded in epoch ${missing}; at epoch ${epoch} DWA needs ` +
            'the epoch-mean losses of the two previous epochs (call backward in every epoch, or loadStateDict after resuming)',
        );
      }
      return previous / before;
    });
    return scaledSoftmax(
      ratios.map((r) => r / this.temperature),
      tasks.length,
    );
  }

  override reset(): void {
    this.history.clear();
    this.lastEpoch = null;
  }

  override stateDict(): Record<string, unknown> {
    return {
      lastEpoch: this.lastEpoch,
      history: Object.fromEntries([...this.history].map(([e, sums]) => [String(e), structuredClone(sums)])),
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    const history = (state.history ?? {}) as Record<string, EpochSums>;
    this.history = new Map(Object.entries(history).map(([e, sums]) => [Number(e), structuredClone(sums)]));
    this.lastEpoch = typeof state.lastEpoch === 'number' ? state.lastEpoch : null;
  }
}
