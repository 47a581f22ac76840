import { abs, mul, sub, type Variable, where } from '@mtl/autograd';
import { checkNumber, lt, optionKeys } from '@mtl/tensor';
import { type Reduction, reduce } from './reduce';
import { checkElementwise, type LossInput, lossOptions } from './validate';

export interface HuberLossOptions {
  /** 'mean' (default), 'sum' or 'none' (the per-element losses). */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear; > 0. Default 1. */
  delta?: number;
}

const HUBER_LOSS_OPTIONS = optionKeys<HuberLossOptions>({ reduction: true, delta: true });

/**
 * Huber loss, as `torch.nn.functional.huber_loss`: with z = |x − y|, 0.5·z² where z < δ and
 * δ·(z − 0.5·δ) elsewhere — `smoothL1Loss` with β = δ, times δ. Input and target must have the
 * same shape; both are differentiable.
 */
export function huberLoss(input: LossInput, target: LossInput, options: HuberLossOptions = {}): Variable {
  const { reduction = 'mean', delta = 1 } = lossOptions('huberLoss', options, HUBER_LOSS_OPTIONS);
  const op = 'huberLoss';
  const { reduction: r } = checkElementwise(op, input, target, reduction);
  checkNumber(op, 'delta', delta, { min: 0, minExclusive: true });
  const diff = sub(input, target);
  const z = abs(diff);
  const quadratic = mul(mul(diff, diff), 0.5);
  return reduce(where(lt(z.value, delta), quadratic, mul(sub(z, 0.5 * delta), delta)), r);
}
