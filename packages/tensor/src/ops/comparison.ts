import { getKernel, KERNELS } from '../backend/registry';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/*
 * Comparisons, elementwise with broadcasting; each returns a bool tensor. NaN compares unequal
 * to everything, itself included, as in IEEE 754 and PyTorch.
 */

/** a == b */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('eq', a, b, (x, y) => (x === y ? 1 : 0), 'bool', getKernel(KERNELS.eq));
}

/** a != b */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('ne', a, b, (x, y) => (x !== y ? 1 : 0), 'bool', getKernel(KERNELS.ne));
}

/** a < b */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('lt', a, b, (x, y) => (x < y ? 1 : 0), 'bool', getKernel(KERNELS.lt));
}

/** a <= b */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('le', a, b, (x, y) => (x <= y ? 1 : 0), 'bool', getKernel(KERNELS.le));
}

/** a > b */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('gt', a, b, (x, y) => (x > y ? 1 : 0), 'bool', getKernel(KERNELS.gt));
}

/** a >= b */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('ge', a, b, (x, y) => (x >= y ? 1 : 0), 'bool', getKernel(KERNELS.ge));
}
