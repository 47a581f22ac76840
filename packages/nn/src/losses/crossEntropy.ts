import { add, div, logSoftmax, mul, neg, sum, type Variable } from '@mtl/autograd';

import {
  DTypeError,
  formatShape,
  formatValue,
  optionKeys,
  ShapeError,
  sameShape,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

import { requireInteger } from '../validate';
import {
  checkClassWeight,
  checkIndexTarget,
  classDimOf,
  classIndexLoss,
  classWeightView,
  indexShapeOf,
} from './classIndexLoss';

import { checkReduction, type Reduction } from './reduce';

import { type LossInput, lossOptions, requireFloat, tensorOf } from './validate';

export interface CrossEntropyOptions {
  /**
   * 'mean' (default), 'sum' or 'none'. With class indices 'mean' is the weighted mean over the
   * non-ignored targets; with probabilities it divides by the number of samples (N·d1·…).
   */
  reduction?: Reduction;
  /** A weight per class ([C]). */
  weight?: Tensor;
  /** A class-index target value that contributes nothing. Default −100; not for probability targets. */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

const CROSS_ENTROPY_OPTIONS = optionKeys<CrossEntropyOptions>({
  reduction: true,
  weight: true,
  ignoreIndex: true,
  labelSmoothing: true,
});

/**
 * Cross-entropy of logits, as `torch.nn.functional.cross_entropy`: logSoftmax over the class
 * dim, then the negative log-likelihood. The input is (N, C), (N, C, d1, …) or unbatched (C).
 * The target is either
 * - class indices: an int32 tensor of the input's shape without the class dim ((N), (N, d1, …)
 *   or ()), each in [0, C) or equal to `ignoreIndex`; or
 * - class probabilities: a float tensor of the input's shape (differentiable).
 *
 * Which one is meant follows from the dtype; float labels of the index shape, or int32 labels of
 * the input's shape, are an error rather than a guess.
 *
 * ```ts
 * crossEntropy(logits, tensor([2, 0, 1], { dtype: 'int32' }));
 * crossEntropy(logits, labels, { weight: classWeights, labelSmoothing: 0.1 });
 * ```
 */
export function crossEntropy(
  input: LossInput,
  target: LossInput,
  options: CrossEntropyOptions = {},
): Variable {
  const {
    reduction = 'mean',
    weight,
    ignoreIndex = -100,
    labelSmoothing = 0,
  } = lossOptions('crossEntropy', options, CROSS_ENTROPY_OPTIONS);
  const op = 'crossEntropy';
  const r = checkReduction<Reduction>(op, reduction);
  requireInteger(op, 'ignoreIndex', ignoreIndex);
  const x = tensorOf(op, 'input', input);
  const t = tensorOf(op, 'target', target);
  requireFloat(op, 'input', x);
  const classDim = classDimOf(op, x);
  checkClassWeight(op, weight, x, classDim);
  if (!(typeof labelSmoothing === 'number' && labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${formatValue(labelSmoothing)}`);
  }
  const logp = logSoftmax(input, classDim);

  if (t.dtype === 'float32' || t.dtype === 'float64') {
    if (!sameShape(t.shape, x.shape)) {
      const asIndices = sameShape(t.shape, indexShapeOf(x, classDim));
      const shapes = `input.shape=${formatShape(x.shape)}, target.shape=${formatShape(t.shape)}`;
      if (asIndices) {
        throw new DTypeError(
          `${op}: target has dtype ${t.dtype} and the shape of class indices — ${shapes} ` +
            `(class indices must be int32: target.to('int32'); probability targets have the input's shape)`,
        );
      }
      throw new ShapeError(
        `${op}: target must be class indices of shape ${formatShape(indexShapeOf(x, classDim))} (int32) or ` +
          `probabilities of the input's shape (float) — ${shapes}`,
      );
    }
    if (ignoreIndex >= 0) {
      throw new ValueError(
        `${op}: ignoreIndex (${ignoreIndex}) is not supported with probability targets — ` +
          `input.shape=${formatShape(x.shape)}, target.shape=${formatShape(t.shape)} (give the ignored samples zero probability mass instead)`,
      );
    }
    return probabilityLoss(x, logp, target, classDim, weight, labelSmoothing, r);
  }

  if (t.dtype === 'int32' && sameShape(t.shape, x.shape)) {
    throw new DTypeError(
      `${op}: target has dtype int32 and the input's shape — input.shape=${formatShape(x.shape)}, ` +
        `target.shape=${formatShape(t.shape)} (probability targets must be float: target.to('float32'); ` +
        `class indices have the input's shape without the class dim)`,
    );
  }
  checkIndexTarget(op, x, t, classDim);
  return classIndexLoss(op, logp, t, { weight, ignoreIndex, labelSmoothing, reduction: r });
}

/** −Σ_c w_c·q_c·logp_c per sample, with q the (smoothed) target distribution. */
function probabilityLoss(
  x: Tensor,
  logp: Variable,
  target: LossInput,
  classDim: number,
  weight: Tensor | undefined,
  labelSmoothing: number,
  reduction: Reduction,
): Variable {
  const classes = x.shape[classDim]!;
  const q = labelSmoothing > 0 ? add(mul(target, 1 - labelSmoothing), labelSmoothing / classes) : target;
  let terms = mul(logp, q);
  if (weight !== undefined) terms = mul(terms, classWeightView(weight, x, classDim));
  if (reduction === 'none') return neg(sum(terms, classDim));
  const total = neg(sum(terms));
  return reduction === 'sum' ? total : div(total, x.size / classes);
}
