import { div, eq, logicalAnd, mul, prod as prodOp, sum, type Tensor, where } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { spreadReduced } from '../reducedGrad';

/**
 * ∂(Πx)/∂xᵢ = Π_{j≠i} xⱼ, computed without dividing by zero: output/xᵢ in lanes with no zero;
 * in a lane with one zero, only that element gets the product of the others; with two or more
 * zeros, nothing does.
 */
export const prod: Rule<'prod'> = {
  forward: ([x], { dim, keepDim }) => prodOp(x as Tensor, dim, { keepDim }),
  backward: (g, { inputs: [input], output, params: { dim, keepDim } }) => {
    const x = input as Tensor;
    const isZero = eq(x, 0);
    const zeros = spreadReduced(sum(isZero, dim, { keepDim }), x.shape, dim, keepDim);
    const others = spreadReduced(prodOp(where(isZero, 1, x), dim, { keepDim }), x.shape, dim, keepDim);
    const full = spreadReduced(output, x.shape, dim, keepDim);
    const partial = where(
      eq(zeros, 0),
      div(full, where(isZero, 1, x)),
      where(logicalAnd(eq(zeros, 1), isZero), others, 0),
    );
    return [mul(spreadReduced(g, x.shape, dim, keepDim), partial)];
  },
};
