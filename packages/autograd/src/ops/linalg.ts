import { dot as dotOp, outer as outerOp, type Tensor } from '@mtl/tensor';
import { apply, unwrap, type VariableLike } from '../apply';
import type { Variable } from '../Variable';
import { reshape } from './shapes';

/*
 * Differentiable linear algebra. matmul, solve and inv are primitives; dot and outer are
 * matmul on reshaped operands; eigh is two primitives (eigenvalues, eigenvectors), and pinv one.
 */

export function matmul(a: VariableLike, b: VariableLike): Variable {
  return apply('matmul', [a, b], undefined);
}

export function dot(a: VariableLike, b: VariableLike): Variable {
  dotOp(unwrap(a) as Tensor, unwrap(b) as Tensor); // validates shapes with dot's messages
  return matmul(a, b);
}

export function outer(a: VariableLike, b: VariableLike): Variable {
  const at = unwrap(a) as Tensor;
  const bt = unwrap(b) as Tensor;
  outerOp(at, bt);
  return matmul(reshape(a, [at.size, 1]), reshape(b, [1, bt.size]));
}

export function solve(a: VariableLike, b: VariableLike): Variable {
  return apply('solve', [a, b], undefined);
}

export function inv(a: VariableLike): Variable {
  return apply('inv', [a], undefined);
}

/**
 * Eigen-decomposition of a symmetric matrix, as @mtl/tensor's eigh, both parts differentiable
 * (PyTorch's formulas; the eigenvector gradient is undefined at repeated eigenvalues).
 */
export function eigh(a: VariableLike): { eigenvalues: Variable; eigenvectors: Variable } {
  return { eigenvalues: apply('eigvalsh', [a], undefined), eigenvectors: apply('eigvecsh', [a], undefined) };
}

/** Moore–Penrose pseudo-inverse, differentiable where the rank does not change. */
export function pinv(a: VariableLike, { rtol, atol }: { rtol?: number; atol?: number } = {}): Variable {
  return apply('pinv', [a], { rtol, atol });
}
