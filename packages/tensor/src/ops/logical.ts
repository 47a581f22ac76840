import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';
import { unaryOp } from './unary';

/* Logical ops: any nonzero value counts as true; the result is bool. */

/** a && b, elementwise with broadcasting. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('logicalAnd', a, b, (x, y) => (x !== 0 && y !== 0 ? 1 : 0), 'bool');
}

/** a || b, elementwise with broadcasting. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('logicalOr', a, b, (x, y) => (x !== 0 || y !== 0 ? 1 : 0), 'bool');
}

/** a xor b, elementwise with broadcasting. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('logicalXor', a, b, (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0), 'bool');
}

/** !x, elementwise. */
export function logicalNot(x: TensorLike): Tensor {
  return unaryOp('logicalNot', x, (v) => (v === 0 ? 1 : 0), 'any').to('bool');
}
