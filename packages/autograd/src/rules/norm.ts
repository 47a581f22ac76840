import {
  abs,
  div,
  eq,
  mul,
  norm as normOp,
  pow,
  sign,
  sum,
  type Tensor,
  where,
  zerosLike,
} from '@mtl/tensor';
import type { Rule } from '../primitives';
import { spreadReduced } from '../reducedGrad';

/**
 * Vector p-norm, as `torch.linalg.vector_norm`: x·|x|^{p−2}/‖x‖^{p−1} (x/‖x‖ for p = 2), 0 where
 * the norm is 0; sign(x) for p = 1; for p = ±∞ the gradient is shared among the tied extremes.
 */
export const norm: Rule<'norm'> = {
  forward: ([x], { p, dim, keepDim }) => normOp(x as Tensor, p, dim, { keepDim }),
  backward: (g, { inputs: [input], output, params: { p, dim, keepDim } }) => {
    const x = input as Tensor;
    const order =
      p === 'fro' ? 2 : p === 'inf' ? Number.POSITIVE_INFINITY : p === '-inf' ? Number.NEGATIVE_INFINITY : p;
    const grad = spreadReduced(g, x.shape, dim, keepDim);
    const n = spreadReduced(output, x.shape, dim, keepDim);
    if (order === 0) return [zerosLike(x)];
    if (order === 1) return [mul(grad, sign(x))];
    if (!Number.isFinite(order)) {
      const hit = eq(abs(x), n).to(grad.dtype);
      const count = spreadReduced(sum(hit, dim, { keepDim }), x.shape, dim, keepDim);
      return [mul(mul(sign(x), div(hit, count)), grad)];
    }
    const scale = order === 2 ? div(x, n) : div(mul(x, pow(abs(x), order - 2)), pow(n, order - 1));
    return [mul(grad, where(eq(n, 0), 0, scale))];
  },
};
