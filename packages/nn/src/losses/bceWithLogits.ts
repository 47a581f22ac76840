import { add, exp, log1p, mul, neg, relu, sub, type Variable, where } from '@mtl/autograd';
import { ge, optionKeys, type Tensor } from '@mtl/tensor';
import { type Reduction, reduce } from './reduce';
import { checkElementwise, type LossInput, lossOptions, requireBroadcastsTo } from './validate';

export interface BceWithLogitsOptions {
  /** 'mean' (default), 'sum' or 'none' (the per-element losses). */
  reduction?: Reduction;
  /** A rescaling weight per element, broadcast to the input's shape (e.g. [C] or [N, 1]). */
  weight?: Tensor;
  /**
   * The weight of positive examples, broadcast to the input's shape — usually one per class
   * ([C]), set to (#negatives / #positives) to balance rare positives.
   */
  posWeight?: Tensor;
}

const BCE_WITH_LOGITS_OPTIONS = optionKeys<BceWithLogitsOptions>({
  reduction: true,
  weight: true,
  posWeight: true,
});

/**
 * Binary cross-entropy on logits, as `torch.nn.functional.binary_cross_entropy_with_logits`:
 * −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))] with p = posWeight (1 by default), computed stably
 * for any |x| as (1 − y)·x + (1 + (p − 1)·y)·(max(−x, 0) + log1p(e^(−|x|))) — without posWeight
 * that is max(x, 0) − x·y + log1p(e^(−|x|)) — so it never overflows and keeps full precision
 * where σ(x) rounds to 0 or 1.
 * Targets are probabilities in [0, 1] with the input's shape; both are differentiable.
 */
export function bceWithLogits(
  input: LossInput,
  target: LossInput,
  options: BceWithLogitsOptions = {},
): Variable {
  const {
    reduction = 'mean',
    weight,
    posWeight,
  } = lossOptions('bceWithLogits', options, BCE_WITH_LOGITS_OPTIONS);
  const op = 'bceWithLogits';
  const { x, reduction: r } = checkElementwise(op, input, target, reduction);
  if (weight !== undefined) requireBroadcastsTo(op, 'weight', weight, x.shape);
  if (posWeight !== undefined) requireBroadcastsTo(op, 'posWeight', posWeight, x.shape);

  // (1 − y)·x + (1 + (p − 1)·y)·log(1 + e^(−x)), with log(1 + e^(−x)) = max(−x, 0) + log1p(e^(−|x|))
  // so exp never overflows. −|x| is written with `where` rather than `abs` so its slope at x = 0
  // is −1 (abs's is 0), which gives log(1 + e^(−x)) its true slope −σ(0) = −½ there.
  const negAbs = where(ge(x, 0), neg(input), input);
  const softplusNeg = add(relu(neg(input)), log1p(exp(negAbs)));
  const scaled =
    posWeight === undefined
      ? softplusNeg
      : mul(add(mul(target, posWeight.to(x.dtype).sub(1)), 1), softplusNeg);
  let loss = add(mul(sub(1, target), input), scaled);
  if (weight !== undefined) loss = mul(loss, weight.to(x.dtype));
  return reduce(loss, r);
}
