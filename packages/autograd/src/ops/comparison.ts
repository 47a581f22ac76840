import * as T from '@mtl/tensor';
import { unwrap, type VariableLike } from '../apply';
import { requireOperand } from '../validate';

/*
 * Comparisons and logic are not differentiable: they read the values and return plain bool
 * Tensors (masks), as PyTorch's do.
 */

export function eq(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('eq', 'a', a);
  requireOperand('eq', 'b', b);
  return T.eq(unwrap(a), unwrap(b));
}
export function ne(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('ne', 'a', a);
  requireOperand('ne', 'b', b);
  return T.ne(unwrap(a), unwrap(b));
}
export function lt(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('lt', 'a', a);
  requireOperand('lt', 'b', b);
  return T.lt(unwrap(a), unwrap(b));
}
export function le(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('le', 'a', a);
  requireOperand('le', 'b', b);
  return T.le(unwrap(a), unwrap(b));
}
export function gt(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('gt', 'a', a);
  requireOperand('gt', 'b', b);
  return T.gt(unwrap(a), unwrap(b));
}
export function ge(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('ge', 'a', a);
  requireOperand('ge', 'b', b);
  return T.ge(unwrap(a), unwrap(b));
}
export function logicalAnd(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('logicalAnd', 'a', a);
  requireOperand('logicalAnd', 'b', b);
  return T.logicalAnd(unwrap(a), unwrap(b));
}
export function logicalOr(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('logicalOr', 'a', a);
  requireOperand('logicalOr', 'b', b);
  return T.logicalOr(unwrap(a), unwrap(b));
}
export function logicalXor(a: VariableLike, b: VariableLike): T.Tensor {
  requireOperand('logicalXor', 'a', a);
  requireOperand('logicalXor', 'b', b);
  return T.logicalXor(unwrap(a), unwrap(b));
}
export function logicalNot(x: VariableLike): T.Tensor {
  requireOperand('logicalNot', 'x', x);
  return T.logicalNot(unwrap(x));
}
