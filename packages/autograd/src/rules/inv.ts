import { inv as invOp, matmul, neg, type Tensor, transpose } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Y = A⁻¹: ∂A = −Yᵀ·G·Yᵀ. */
export const inv: Rule<'inv'> = {
  forward: ([a]) => invOp(a as Tensor),
  backward: (g, { output: y }) => {
    const yt = transpose(y, 0, 1);
    return [neg(matmul(matmul(yt, g), yt))];
  },
};
