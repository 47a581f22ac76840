import { checkOptions } from '../checks';
import type { DType } from '../dtype';
import { requireInt32Value } from '../int32';
import { Tensor } from '../Tensor';
import { allocateChecked, requireDType, requireScalar, requireShape, requireTensor } from '../validate';

export interface DTypeOptions {
  /** Element type; float32 by default. */
  dtype?: DType;
}

/** A tensor of `shape` with every element `value`. */
export function full(shape: readonly number[], value: number | boolean, options: DTypeOptions = {}): Tensor {
  return fill('full', shape, value, options);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: DTypeOptions = {}): Tensor {
  return fill('zeros', shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: DTypeOptions = {}): Tensor {
  return fill('ones', shape, 1, options);
}

/** Zeros with x's shape and (unless given) dtype. */
export function zerosLike(x: Tensor, options: DTypeOptions = {}): Tensor {
  return fill('zerosLike', requireTensor('zerosLike', 'x', x).shape, 0, options, x.dtype);
}

/** Ones with x's shape and (unless given) dtype. */
export function onesLike(x: Tensor, options: DTypeOptions = {}): Tensor {
  return fill('onesLike', requireTensor('onesLike', 'x', x).shape, 1, options, x.dtype);
}

/** `value` everywhere, with x's shape and (unless given) dtype. */
export function fullLike(x: Tensor, value: number | boolean, options: DTypeOptions = {}): Tensor {
  return fill('fullLike', requireTensor('fullLike', 'x', x).shape, value, options, x.dtype);
}

function fill(
  op: string,
  shape: readonly number[],
  value: number | boolean,
  options: DTypeOptions,
  defaultDType: DType = 'float32',
): Tensor {
  const checked = requireShape(op, 'shape', shape);
  const v = requireScalar(op, 'value', value);
  const dtype = requireDType(op, 'dtype', checkOptions(op, options, ['dtype']).dtype, defaultDType);
  if (dtype === 'int32') requireInt32Value(op, 'value', v);
  const data = allocateChecked(op, dtype, checked);
  if (v !== 0) data.fill(dtype === 'bool' ? 1 : v);
  return new Tensor(data, checked, dtype);
}
