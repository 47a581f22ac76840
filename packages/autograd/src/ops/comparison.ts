import * as T from '@mtl/tensor';
import { type VariableLike, valueOf } from '../apply';

/*
 * Comparisons and logic are not differentiable: they read the values and return plain bool
 * Tensors (masks), as PyTorch's do.
 */

export function eq(a: VariableLike, b: VariableLike): T.Tensor {
  return T.eq(valueOf(a), valueOf(b));
}
export function ne(a: VariableLike, b: VariableLike): T.Tensor {
  return T.ne(valueOf(a), valueOf(b));
}
export function lt(a: VariableLike, b: VariableLike): T.Tensor {
  return T.lt(valueOf(a), valueOf(b));
}
export function le(a: VariableLike, b: VariableLike): T.Tensor {
  return T.le(valueOf(a), valueOf(b));
}
export function gt(a: VariableLike, b: VariableLike): T.Tensor {
  return T.gt(valueOf(a), valueOf(b));
}
export function ge(a: VariableLike, b: VariableLike): T.Tensor {
  return T.ge(valueOf(a), valueOf(b));
}
export function logicalAnd(a: VariableLike, b: VariableLike): T.Tensor {
  return T.logicalAnd(valueOf(a), valueOf(b));
}
export function logicalOr(a: VariableLike, b: VariableLike): T.Tensor {
  return T.logicalOr(valueOf(a), valueOf(b));
}
export function logicalXor(a: VariableLike, b: VariableLike): T.Tensor {
  return T.logicalXor(valueOf(a), valueOf(b));
}
export function logicalNot(x: VariableLike): T.Tensor {
  return T.logicalNot(valueOf(x));
}
