import { allocate, type DType, isDType } from '../dtype';
import { DTypeError } from '../errors';
import { checkShape, sizeOf } from '../shape';
import { Tensor } from '../Tensor';

export interface DTypeOptions {
  /** Element type; float32 by default. */
  dtype?: DType;
}

/** A tensor of `shape` with every element `value`. */
export function full(
  shape: readonly number[],
  value: number | boolean,
  { dtype = 'float32' }: DTypeOptions = {},
): Tensor {
  checkShape('full', shape);
  if (!isDType(dtype)) throw new DTypeError(`full: unknown dtype ${JSON.stringify(dtype)}`);
  const data = allocate(dtype, sizeOf(shape));
  const v = Number(value);
  if (v !== 0) data.fill(dtype === 'bool' ? 1 : v);
  return new Tensor(data, shape, dtype);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: DTypeOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: DTypeOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with x's shape and (unless given) dtype. */
export function zerosLike(x: Tensor, { dtype = x.dtype }: DTypeOptions = {}): Tensor {
  return full(x.shape, 0, { dtype });
}

/** Ones with x's shape and (unless given) dtype. */
export function onesLike(x: Tensor, { dtype = x.dtype }: DTypeOptions = {}): Tensor {
  return full(x.shape, 1, { dtype });
}

/** `value` everywhere, with x's shape and (unless given) dtype. */
export function fullLike(x: Tensor, value: number | boolean, { dtype = x.dtype }: DTypeOptions = {}): Tensor {
  return full(x.shape, value, { dtype });
}
