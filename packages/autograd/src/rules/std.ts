import { div, eq, mean, mul, std as stdOp, sub, type Tensor, where } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { spreadReduced } from '../reducedGrad';

/**
 * ∂σ/∂xᵢ = (xᵢ − x̄)/(σ·(N − c)) with c = 1 when unbiased; 0 where σ = 0 (instead of 0/0), as
 * in PyTorch.
 */
export const std: Rule<'std'> = {
  forward: ([x], { dim, unbiased, keepDim }) => stdOp(x as Tensor, dim, { unbiased, keepDim }),
  backward: (g, { inputs: [input], output, params: { dim, unbiased, keepDim } }) => {
    const x = input as Tensor;
    const n = x.size / Math.max(output.size, 1);
    const sigma = spreadReduced(output, x.shape, dim, keepDim);
    const deviation = sub(x, mean(x, dim, { keepDim: true }));
    const scale = where(eq(sigma, 0), 0, div(deviation, mul(sigma, unbiased ? n - 1 : n)));
    return [mul(spreadReduced(g, x.shape, dim, keepDim), scale)];
  },
};
