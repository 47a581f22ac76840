import type { Variable } from '@mtl/autograd';
import type { Tensor } from '@mtl/tensor';
import { optionKeys } from '@mtl/tensor';
import { requireInteger } from '../validate';
import { checkClassWeight, checkIndexTarget, classDimOf, classIndexLoss } from './classIndexLoss';
import { checkReduction, type Reduction } from './reduce';
import { type LossInput, lossOptions, requireFloat, tensorOf } from './validate';

export interface NllLossOptions {
  /** 'mean' (default: the weighted mean over non-ignored targets), 'sum' or 'none'. */
  reduction?: Reduction;
  /** A weight per class ([C]). */
  weight?: Tensor;
  /** A target value that contributes nothing (and is not counted by 'mean'). Default −100. */
  ignoreIndex?: number;
}

const NLL_LOSS_OPTIONS = optionKeys<NllLossOptions>({ reduction: true, weight: true, ignoreIndex: true });

/**
 * Negative log-likelihood of class indices, as `torch.nn.functional.nll_loss`: the input holds
 * log-probabilities, (N, C), (N, C, d1, …) or unbatched (C); the target holds int32 class
 * indices of shape (N), (N, d1, …) or (). Per target, −w[y]·input[y]; 'mean' divides by the
 * total weight of the non-ignored targets, as PyTorch does. Pair it with `logSoftmax`, or use
 * `crossEntropy` on logits.
 */
export function nllLoss(input: LossInput, target: LossInput, options: NllLossOptions = {}): Variable {
  const {
    reduction = 'mean',
    weight,
    ignoreIndex = -100,
  } = lossOptions('nllLoss', options, NLL_LOSS_OPTIONS);
  const op = 'nllLoss';
  const r = checkReduction<Reduction>(op, reduction);
  requireInteger(op, 'ignoreIndex', ignoreIndex);
  const x = tensorOf(op, 'input', input);
  const t = tensorOf(op, 'target', target);
  requireFloat(op, 'input', x);
  const classDim = classDimOf(op, x);
  checkIndexTarget(op, x, t, classDim);
  checkClassWeight(op, weight, x, classDim);
  return classIndexLoss(op, input, t, { weight, ignoreIndex, labelSmoothing: 0, reduction: r });
}
