import { add, mul, neg, sub, Variable } from '@mtl/autograd';
import { optionKeys, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { type Reduction, reduce } from './reduce';
import { checkElementwise, formatIndex, type LossInput, lossOptions, requireBroadcastsTo } from './validate';

export interface BinaryCrossEntropyOptions {
  /** 'mean' (default), 'sum' or 'none' (the per-element losses). */
  reduction?: Reduction;
  /** A rescaling weight per element, broadcast to the input's shape (e.g. [C] or [N, 1]). */
  weight?: Tensor;
}

const BINARY_CROSS_ENTROPY_OPTIONS = optionKeys<BinaryCrossEntropyOptions>({ reduction: true, weight: true });

/** PyTorch's floor on each log term, so a certain wrong prediction costs 100, not Infinity. */
const LOG_FLOOR = -100;
/** PyTorch's floor on x·(1 − x) in the input gradient: 1e-12 as a C++ float, even for float64. */
const GRAD_EPSILON = Math.fround(1e-12);

/**
 * Binary cross-entropy on probabilities, as `torch.nn.functional.binary_cross_entropy`:
 * −w·[y·log x + (1 − y)·log(1 − x)], each log clamped at −100 as in PyTorch. The input must lie
 * in [0, 1] (apply sigmoid first — or better, use `bceWithLogits` on the logits, which is
 * stable); the target has the input's shape. Both are differentiable.
 *
 * The input gradient is PyTorch's w·(x − y)/max(x·(1 − x), 1e-12) — not the derivative of the
 * clamped logs, which vanishes where they clamp — so a saturated wrong prediction (x = 1, y = 0)
 * still gets a gradient. The target gradient is w·(log(1 − x) − log x) with the clamped logs
 * (PyTorch's is ±Infinity where x is exactly 0 or 1).
 */
export function binaryCrossEntropy(
  input: LossInput,
  target: LossInput,
  options: BinaryCrossEntropyOptions = {},
): Variable {
  const { reduction = 'mean', weight } = lossOptions(
    'binaryCrossEntropy',
    options,
    BINARY_CROSS_ENTROPY_OPTIONS,
  );
  const op = 'binaryCrossEntropy';
  const { x, reduction: r } = checkElementwise(op, input, target, reduction);
  if (weight !== undefined) requireBroadcastsTo(op, 'weight', weight, x.shape);

  const n = x.size;
  const logX = new Float64Array(n);
  const log1mX = new Float64Array(n);
  const slopeX = new Float64Array(n);
  const slope1mX = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x.data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(
        `${op}: input values must lie in [0, 1], got ${v} at input${formatIndex(i, x.shape)} — ` +
          `input.shape=[${x.shape.join(',')}] (apply sigmoid first, or use bceWithLogits on the logits)`,
      );
    }
    logX[i] = Math.max(Math.log(v), LOG_FLOOR);
    log1mX[i] = Math.max(Math.log1p(-v), LOG_FLOOR);
    const denominator = Math.max(v * (1 - v), GRAD_EPSILON);
    slopeX[i] = (1 - v) / denominator;
    slope1mX[i] = -v / denominator;
  }
  const constant = (values: Float64Array) => tensor(values, { shape: x.shape, dtype: 'float64' }).to(x.dtype);
  // y·slopeX + (1 − y)·slope1mX = (y − x)/max(x(1 − x), ε): the two slopes give PyTorch's gradient.
  const a = withSlope(input, constant(logX), constant(slopeX));
  const b = withSlope(input, constant(log1mX), constant(slope1mX));
  let loss = neg(add(mul(target, a), mul(sub(1, target), b)));
  if (weight !== undefined) loss = mul(loss, weight.to(x.dtype));
  return reduce(loss, r);
}

/**
 * `value` as a function of x whose gradient is `slope` (elementwise): value + slope·(x − x̄) with
 * x̄ = x detached, which is `value` forward (x − x̄ is exactly 0) and `slope` backward.
 */
function withSlope(x: LossInput, value: Tensor, slope: Tensor): Variable | Tensor {
  if (!(x instanceof Variable) || !x.requiresGrad) return value;
  return add(value, mul(sub(x, x.detach()), slope));
}
