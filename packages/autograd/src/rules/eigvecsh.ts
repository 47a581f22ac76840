import { div, eigh, eq, eye, matmul, mul, sub, type Tensor, transpose, unsqueeze, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * V = eigenvectors(A), A symmetric: ∂A = V·(F ∘ ½(VᵀgV − (VᵀgV)ᵀ))·Vᵀ with F_ij = 1/(λⱼ − λᵢ)
 * off the diagonal and 0 on it — PyTorch's formula, which returns a symmetric gradient. It is
 * undefined for repeated eigenvalues (the eigenvectors are then not unique), as in PyTorch.
 */
export const eigvecsh: Rule<'eigvecsh'> = {
  forward: ([a]) => eigh(a as Tensor).eigenvectors,
  backward: (g, { inputs: [a], output: v }) => {
    const { eigenvalues } = eigh(a as Tensor);
    const n = eigenvalues.size;
    const gaps = sub(unsqueeze(eigenvalues, 0), unsqueeze(eigenvalues, 1)); // λⱼ − λᵢ
    const onDiagonal = eq(eye(n, n, { dtype: 'bool' }), true);
    const f = where(onDiagonal, 0, div(1, where(onDiagonal, 1, gaps)));
    const vtg = matmul(transpose(v, 0, 1), g);
    const skew = mul(sub(vtg, transpose(vtg, 0, 1)), 0.5);
    return [matmul(matmul(v, mul(f, skew)), transpose(v, 0, 1))];
  },
};
