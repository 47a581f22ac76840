import { matmul as matmulOp, mul, reshape, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { unbroadcast } from '../unbroadcast';

/**
 * C = A·B: ∂A = G·Bᵀ and ∂B = Aᵀ·G — two matmuls, no Jacobian, and no transposed copies
 * (matmul's transpose flags). 1-d operands are lifted to
 * matrices (a row for A, a column for B) and the gradients reshaped back; broadcast batch
 * dims are summed away.
 */
export const matmul: Rule<'matmul'> = {
  forward: ([a, b]) => matmulOp(a as Tensor, b as Tensor),
  backward: (g, { inputs: [ta, tb], needsGrad }) => {
    const a = ta as Tensor;
    const b = tb as Tensor;
    if (a.rank === 1 && b.rank === 1)
      return [needsGrad[0] ? mul(g, b) : null, needsGrad[1] ? mul(g, a) : null];
    const a2 = a.rank === 1 ? reshape(a, [1, a.size]) : a;
    const b2 = b.rank === 1 ? reshape(b, [b.size, 1]) : b;
    const gShape = [...g.shape];
    if (a.rank === 1) gShape.splice(gShape.length - 1, 0, 1);
    if (b.rank === 1) gShape.push(1);
    const g2 = reshape(g, gShape);
    return [
      needsGrad[0] ? reshape(unbroadcast(matmulOp(g2, b2, { transposeB: true }), a2.shape), a.shape) : null,
      needsGrad[1] ? reshape(unbroadcast(matmulOp(a2, g2, { transposeA: true }), b2.shape), b.shape) : null,
    ];
  },
};
