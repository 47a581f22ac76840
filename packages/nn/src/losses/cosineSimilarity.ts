import { add, broadcastTo, div, mul, norm, sum, type Variable } from '@mtl/autograd';
import { broadcastShapes, checkNumber, normalizeDim, optionKeys, sameShape, type Tensor } from '@mtl/tensor';
import { requireInteger } from '../validate';
import { type LossInput, lossOptions, requireFloat, tensorOf } from './validate';

export interface CosineSimilarityOptions {
  /** The dim holding the vectors (negative counts from the end). Default 1. */
  dim?: number;
  /** The floor on each vector's norm, so near-zero vectors do not divide by zero. Default 1e-8. */
  eps?: number;
}

const COSINE_SIMILARITY_OPTIONS = optionKeys<CosineSimilarityOptions>({ dim: true, eps: true });

/**
 * Cosine similarity along `dim`, as `torch.nn.functional.cosine_similarity` in PyTorch 1.13:
 * Σ (a/max(‖a‖, eps))·(b/max(‖b‖, eps)) — each vector is normalised first, which keeps the
 * result in [−1, 1] for huge or tiny norms. `a` and `b` broadcast against each other; the result
 * has their broadcast shape without `dim`. Both are differentiable, with PyTorch's gradients
 * (which treat a clamped norm ‖x‖ < eps as having the gradient x/eps).
 */
export function cosineSimilarity(
  a: LossInput,
  b: LossInput,
  options: CosineSimilarityOptions = {},
): Variable {
  const { dim = 1, eps = 1e-8 } = lossOptions('cosineSimilarity', options, COSINE_SIMILARITY_OPTIONS);
  const op = 'cosineSimilarity';
  const av = tensorOf(op, 'a', a);
  const bv = tensorOf(op, 'b', b);
  requireFloat(op, 'a', av);
  requireFloat(op, 'b', bv);
  checkNumber(op, 'eps', eps, { min: 0 });
  requireInteger(op, 'dim', dim);
  const shape = broadcastShapes(op, av.shape, bv.shape);
  const d = normalizeDim(op, dim, shape.length, shape);
  // Broadcast first: a vector repeated along `dim` has a larger norm than the original.
  const x1 = sameShape(av.shape, shape) ? a : broadcastTo(a, shape);
  const x2 = sameShape(bv.shape, shape) ? b : broadcastTo(b, shape);
  return sum(mul(div(x1, clampedNorm(x1, d, eps)), div(x2, clampedNorm(x2, d, eps))), d);
}

/**
 * max(‖x‖, eps) along dim (kept). PyTorch clamps the norm in place without recording it, so its
 * backward sees the norm's gradient as x/max(‖x‖, eps). n·k + c with the constants
 * k = ‖x‖/max(‖x‖, eps) and c = max(‖x‖, eps) − ‖x‖·k has that value and that gradient (and is
 * just n wherever ‖x‖ ≥ eps).
 */
function clampedNorm(x: Variable | Tensor, dim: number, eps: number): Variable {
  const n = norm(x, 2, dim, { keepDim: true });
  const value = n.value;
  const clamped = value.clamp(eps);
  if (value.data.every((v) => v >= eps)) return n;
  const k = value.div(clamped);
  return add(mul(n, k), clamped.sub(value.mul(k)));
}
