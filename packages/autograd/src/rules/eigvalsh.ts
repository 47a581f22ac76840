import { eigh, matmul, mul, type Tensor, transpose, unsqueeze } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** λ = eigenvalues(A), A symmetric: ∂A = V·diag(gλ)·Vᵀ (V recomputed; the matrices are small). */
export const eigvalsh: Rule<'eigvalsh'> = {
  forward: ([a]) => eigh(a as Tensor).eigenvalues,
  backward: (g, { inputs: [a] }) => {
    const v = eigh(a as Tensor).eigenvectors;
    return [matmul(mul(v, unsqueeze(g, 0)), transpose(v, 0, 1))];
  },
};
