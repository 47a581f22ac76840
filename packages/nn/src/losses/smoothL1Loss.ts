import { abs, div, mul, sub, type Variable, where } from '@mtl/autograd';
import { checkNumber, lt, optionKeys } from '@mtl/tensor';
import { type Reduction, reduce } from './reduce';
import { checkElementwise, type LossInput, lossOptions } from './validate';

export interface SmoothL1LossOptions {
  /** 'mean' (default), 'sum' or 'none' (the per-element losses). */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear; ≥ 0. Default 1. */
  beta?: number;
}

const SMOOTH_L1_LOSS_OPTIONS = optionKeys<SmoothL1LossOptions>({ reduction: true, beta: true });

/**
 * Smooth L1 loss, as `torch.nn.functional.smooth_l1_loss`: with z = |x − y|, 0.5·z²/β where
 * z < β and z − 0.5·β elsewhere. β = 0 is exactly `l1Loss`, as in PyTorch. Input and target
 * must have the same shape; both are differentiable. `huberLoss` is the same curve times δ.
 */
export function smoothL1Loss(
  input: LossInput,
  target: LossInput,
  options: SmoothL1LossOptions = {},
): Variable {
  const { reduction = 'mean', beta = 1 } = lossOptions('smoothL1Loss', options, SMOOTH_L1_LOSS_OPTIONS);
  const op = 'smoothL1Loss';
  const { reduction: r } = checkElementwise(op, input, target, reduction);
  checkNumber(op, 'beta', beta, { min: 0 });
  const diff = sub(input, target);
  const z = abs(diff);
  // β = 0 leaves only the linear piece; the quadratic one would divide by zero.
  if (beta === 0) return reduce(z, r);
  const quadratic = div(mul(mul(diff, diff), 0.5), beta);
  return reduce(where(lt(z.value, beta), quadratic, sub(z, 0.5 * beta)), r);
}
