import { add, div, gather, mul, neg, reshape, sum, type Variable } from '@mtl/autograd';
import { DTypeError, formatShape, IndexError, ShapeError, sameShape, type Tensor, tensor } from '@mtl/tensor';
import { requireTensor } from '../validate';
import type { Reduction } from './reduce';
import { formatIndex, type LossInput, requireFloat, tensorOf } from './validate';

/*
 * The class-index path shared by nllLoss and crossEntropy: picks −logp[target] per sample,
 * weights it, skips ignored targets and reduces with PyTorch's weighted mean.
 */

/** The class dim of a classification input: 1 for (N, C, d…), 0 for an unbatched (C). */
export function classDimOf(op: string, x: Tensor): number {
  if (x.rank === 0) {
    throw new ShapeError(
      `${op}: input must have a class dim — input.shape=[] (expected (C), (N, C) or (N, C, d…))`,
    );
  }
  return x.rank === 1 ? 0 : 1;
}

/** The shape a class-index target must have: the input's without the class dim. */
export function indexShapeOf(x: Tensor, classDim: number): number[] {
  return x.shape.filter((_, d) => d !== classDim);
}

/** Checks the per-class weight: float, one value per class. */
export function checkClassWeight(op: string, weight: unknown, x: Tensor, classDim: number): void {
  if (weight === undefined) return;
  requireTensor(op, 'weight', weight);
  const classes = x.shape[classDim]!;
  if (weight.rank !== 1 || weight.size !== classes) {
    throw new ShapeError(
      `${op}: weight must hold one value per class — weight.shape=${formatShape(weight.shape)}, ` +
        `input.shape=${formatShape(x.shape)} (expected [${classes}])`,
    );
  }
  requireFloat(op, 'weight', weight);
}

/** The weight reshaped to broadcast along the class dim of x: [1, C, 1, …] (or [C] unbatched). */
export function classWeightView(weight: Tensor, x: Tensor, classDim: number): Tensor {
  const shape = x.shape.map((s, d) => (d === classDim ? s : 1));
  return weight.to(x.dtype).reshape(shape);
}

/**
 * Requires int32 class indices of the input's shape without the class dim, naming the likely
 * mix-up: float labels where indices are needed.
 */
export function checkIndexTarget(op: string, x: Tensor, target: Tensor, classDim: number): void {
  const expected = indexShapeOf(x, classDim);
  const shapes = `input.shape=${formatShape(x.shape)}, target.shape=${formatShape(target.shape)}`;
  if (target.dtype !== 'int32') {
    throw new DTypeError(
      `${op}: class-index target has dtype ${target.dtype}, expected int32 — ${shapes} ` +
        `(cast the labels: target.to('int32'))`,
    );
  }
  if (!sameShape(target.shape, expected)) {
    throw new ShapeError(
      `${op}: target.shape must be input.shape without the class dim — ${shapes} ` +
        `(expected ${formatShape(expected)})`,
    );
  }
}

export interface ClassIndexLossOptions {
  weight: Tensor | undefined;
  ignoreIndex: number;
  /** ε: mixes in the uniform distribution, (1 − ε)·nll + (ε/C)·Σ_c w_c·(−logp_c). */
  labelSmoothing: number;
  reduction: Reduction;
}

/**
 * The loss of log-probabilities `logp` (x, differentiable) against checked class indices, with
 * PyTorch's semantics: per sample w[y]·(−logp[y]) (0 where y = ignoreIndex); 'mean' divides the
 * sum by the total weight of the non-ignored targets (NaN when every target is ignored).
 */
export function classIndexLoss(
  op: string,
  logp: LossInput,
  target: Tensor,
  { weight, ignoreIndex, labelSmoothing, reduction }: ClassIndexLossOptions,
): Variable {
  const x = tensorOf(op, 'input', logp);
  const classDim = classDimOf(op, x);
  const classes = x.shape[classDim]!;
  const n = target.size;
  const safe = new Int32Array(n);
  const targetWeight = new Float64Array(n);
  const kept = new Float64Array(n);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const y = target.data[i]!;
    if (y === ignoreIndex) continue;
    if (!(y >= 0 && y < classes)) {
      throw new IndexError(
        `${op}: target ${y} at target${formatIndex(i, target.shape)} is out of range for ${classes} classes — ` +
          `input.shape=${formatShape(x.shape)}, target.shape=${formatShape(target.shape)} ` +
          `(class indices run 0…${classes - 1}; ignoreIndex is ${ignoreIndex})`,
      );
    }
    safe[i] = y;
    kept[i] = 1;
    targetWeight[i] = weight === undefined ? 1 : weight.data[y]!;
    totalWeight += targetWeight[i]!;
  }
  const asInput = (values: Float64Array) =>
    tensor(values, { shape: target.shape, dtype: 'float64' }).to(x.dtype);
  const indexShape = x.shape.map((s, d) => (d === classDim ? 1 : s));
  const picked = reshape(
    gather(logp, classDim, tensor(safe, { shape: indexShape, dtype: 'int32' })),
    target.shape,
  );
  let losses = neg(mul(picked, asInput(targetWeight)));
  if (labelSmoothing > 0) {
    const weighted = weight === undefined ? logp : mul(logp, classWeightView(weight, x, classDim));
    const smooth = mul(neg(sum(weighted, classDim)), asInput(kept));
    losses = add(mul(losses, 1 - labelSmoothing), mul(smooth, labelSmoothing / classes));
  }
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return sum(losses);
  return div(sum(losses), totalWeight);
}
