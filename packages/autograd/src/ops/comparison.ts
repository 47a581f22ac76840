import * as T from '@mtl/tensor';
import { unwrap, type VariableLike } from '../apply';

/*
 * Comparisons and logic are not differentiable: they read the values and return plain bool
 * Tensors (masks), as PyTorch's do.
 */

export function eq(a: VariableLike, b: VariableLike): T.Tensor {
  return T.eq(unwrap(a), unwrap(b));
}
export function ne(a: VariableLike, b: VariableLike): T.Tensor {
  return T.ne(unwrap(a), unwrap(b));
}
export function lt(a: VariableLike, b: VariableLike): T.Tensor {
  return T.lt(unwrap(a), unwrap(b));
}
export function le(a: VariableLike, b: VariableLike): T.Tensor {
  return T.le(unwrap(a), unwrap(b));
}
export function gt(a: VariableLike, b: VariableLike): T.Tensor {
  return T.gt(unwrap(a), unwrap(b));
}
export function ge(a: VariableLike, b: VariableLike): T.Tensor {
  return T.ge(unwrap(a), unwrap(b));
}
export function logicalAnd(a: VariableLike, b: VariableLike): T.Tensor {
  return T.logicalAnd(unwrap(a), unwrap(b));
}
export function logicalOr(a: VariableLike, b: VariableLike): T.Tensor {
  return T.logicalOr(unwrap(a), unwrap(b));
}
export function logicalXor(a: VariableLike, b: VariableLike): T.Tensor {
  return T.logicalXor(unwrap(a), unwrap(b));
}
export function logicalNot(x: VariableLike): T.Tensor {
  return T.logicalNot(unwrap(x));
}
