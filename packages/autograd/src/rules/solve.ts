import { matmul, neg, outer, solve as solveOp, type Tensor, transpose } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** X = A⁻¹B: ∂B = A⁻ᵀG (one more solve) and ∂A = −∂B·Xᵀ. */
export const solve: Rule<'solve'> = {
  forward: ([a, b]) => solveOp(a as Tensor, b as Tensor),
  backward: (g, { inputs: [a], output: x, needsGrad }) => {
    const gb = solveOp(transpose(a as Tensor, 0, 1), g);
    const ga = needsGrad[0] ? neg(x.rank === 1 ? outer(gb, x) : matmul(gb, transpose(x, 0, 1))) : null;
    return [ga, needsGrad[1] ? gb : null];
  },
};
