import { type Tensor, dot as dotOp, eigh as eighOp, outer as outerOp, pinv as pinvOp } from '@mtl/tensor';
import { type VariableLike, apply, valueOf } from '../apply';
import type { Variable } from '../Variable';
import { reshape } from './shapes';

/*
 * Differentiable linear algebra. matmul, solve and inv are primitives; dot and outer are
 * matmul on reshaped operands. eigh and pinv compute on values only (no gradient rule yet).
 */

export function matmul(a: VariableLike, b: VariableLike): Variable {
  return apply('matmul', [a, b], undefined);
}

export function dot(a: VariableLike, b: VariableLike): Variable {
  dotOp(valueOf(a) as Tensor, valueOf(b) as Tensor); // validates shapes with dot's messages
  return matmul(a, b);
}

export function outer(a: VariableLike, b: VariableLike): Variable {
  const at = valueOf(a) as Tensor;
  const bt = valueOf(b) as Tensor;
  outerOp(at, bt);
  return matmul(reshape(a, [at.size, 1]), reshape(b, [1, bt.size]));
}

export function solve(a: VariableLike, b: VariableLike): Variable {
  return apply('solve', [a, b], undefined);
}

export function inv(a: VariableLike): Variable {
  return apply('inv', [a], undefined);
}

/** Eigen-decomposition of the value (no gradient): see `@mtl/tensor`'s eigh. */
export function eigh(a: VariableLike): { eigenvalues: Tensor; eigenvectors: Tensor } {
  return eighOp(valueOf(a) as Tensor);
}

/** Pseudo-inverse of the value (no gradient): see `@mtl/tensor`'s pinv. */
export function pinv(a: VariableLike, options?: { rtol?: number; atol?: number }): Tensor {
  return pinvOp(valueOf(a) as Tensor, options);
}
