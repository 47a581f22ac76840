import { exp, log, mean, reshape, stack, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions } from './LossWeighting';
import { methodOptions } from './shared/methodOptions';
import { requirePositive } from './shared/requirePositive';

/**
 * Geometric loss strategy (Chennupati et al., 2019): back-propagates (Π Lᵢ)^{1/T}, computed as
 * exp(mean(log Lᵢ)) so that a product of many small losses does not underflow. The shared gradient
 * is Σ λᵢ∇Lᵢ with λᵢ = GLS/(T·Lᵢ), the weights reported. Every loss must be > 0.
 */
export class GLS extends LossWeighting {
  static readonly defaults = LOSS_DEFAULTS;
  readonly name = 'GLS';

  constructor(options?: LossWeightingOptions) {
    super(methodOptions('GLS', options, GLS.defaults, LOSS_RULES));
  }

  protected combine(losses: Variable[], tasks: string[]): { total: Variable; weights: number[] } {
    const values = requirePositive(this.name, losses, tasks, 'takes the geometric mean of the losses');
    const t = losses.length;
    const geometric = exp(mean(log(stack(losses.map((l) => reshape(l, []))))));
    const g = geometric.item();
    return { total: geometric, weights: values.map((v) => g / (t * v)) };
  }
}
