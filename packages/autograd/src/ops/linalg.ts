import { dot as dotOp, eigh as eighOp, outer as outerOp, pinv as pinvOp, type Tensor } from '@mtl/tensor';
import { apply, unwrap, type VariableLike } from '../apply';
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

/** Eigen-decomposition of the value (no gradient): see `@mtl/tensor`'s eigh. */
export function eigh(a: VariableLike): { eigenvalues: Tensor; eigenvectors: Tensor } {
  return eighOp(unwrap(a) as Tensor);
}

/** Pseudo-inverse of the value (no gradient): see `@mtl/tensor`'s pinv. */
export function pinv(a: VariableLike, options?: { rtol?: number; atol?: number }): Tensor {
  return pinvOp(unwrap(a) as Tensor, options);
}
