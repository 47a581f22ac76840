import { eqLoop, geLoop, gtLoop, leLoop, ltLoop, neLoop } from '../kernels/elementwise';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/*
 * Comparisons, elementwise with broadcasting; each returns a bool tensor. NaN compares unequal
 * to everything, itself included, as in IEEE 754 and PyTorch.
 */

/** a == b */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('eq', a, b, (x, y) => (x === y ? 1 : 0), 'bool', eqLoop);
}

/** a != b */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('ne', a, b, (x, y) => (x !== y ? 1 : 0), 'bool', neLoop);
}

/** a < b */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('lt', a, b, (x, y) => (x < y ? 1 : 0), 'bool', ltLoop);
}

/** a <= b */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('le', a, b, (x, y) => (x <= y ? 1 : 0), 'bool', leLoop);
}

/** a > b */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('gt', a, b, (x, y) => (x > y ? 1 : 0), 'bool', gtLoop);
}

/** a >= b */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('ge', a, b, (x, y) => (x >= y ? 1 : 0), 'bool', geLoop);
}
