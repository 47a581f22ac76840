import { abs, sub, type Variable } from '@mtl/autograd';
import { optionKeys } from '@mtl/tensor';
import { type Reduction, reduce } from './reduce';
import { checkElementwise, type LossInput, lossOptions } from './validate';

export interface L1LossOptions {
  /** 'mean' (default), 'sum' or 'none' (the per-element losses). */
  reduction?: Reduction;
}

const L1_LOSS_OPTIONS = optionKeys<L1LossOptions>({ reduction: true });

/**
 * Mean absolute error |x − y|, as `torch.nn.functional.l1_loss`; its gradient where x = y is 0,
 * as in PyTorch. Input and target must have the same shape; both are differentiable.
 */
export function l1Loss(input: LossInput, target: LossInput, options: L1LossOptions = {}): Variable {
  const { reduction = 'mean' } = lossOptions('l1Loss', options, L1_LOSS_OPTIONS);
  const { reduction: r } = checkElementwise('l1Loss', input, target, reduction);
  return reduce(abs(sub(input, target)), r);
}
