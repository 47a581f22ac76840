import type { Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { methodOptions } from './shared/methodOptions';

/** Equal weighting: back-propagates Σ Lᵢ (a plain sum, as LibMTL computes it). */
export class EW extends LossWeighting {
  static readonly defaults = LOSS_DEFAULTS;
  readonly name = 'EW';

  constructor(options?: LossWeightingOptions) {
    super(methodOptions('EW', options, EW.defaults, LOSS_RULES));
  }

  protected combine(losses: Variable[]): { total: Variable; weights: number[] } {
    return { total: total(losses), weights: losses.map(() => 1) };
  }
}
