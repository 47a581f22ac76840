import { noteBuffer, POOLED_MIN_BYTES, reuseBuffer } from './bufferPool';
import { DTypeError, formatValue, ValueError } from './errors';

/** The element types a tensor can hold. `float32` is the default, as in PyTorch. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The typed array behind each dtype; bool is stored as 0/1 bytes. */
export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/**
 * Allocates a zero-filled array of `size` elements for `dtype`. An engine that cannot (out of
 * memory) gets a ValueError, not the engine's RangeError; sizes are checked against the package's
 * limit before this (see `requireSize` in validate.ts).
 */
export function allocate(dtype: DType, size: number): TypedArray {
  try {
    return allocateRaw(dtype, size);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ValueError(
      `could not allocate ${formatValue(size)} ${dtype} elements (out of memory — use smaller tensors)`,
    );
  }
}

const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** Small arrays are made fresh; larger ones come from the buffer pool when it has one (bufferPool.ts). */
function allocateRaw(dtype: DType, size: number): TypedArray {
  const ArrayType = ARRAY_TYPES[dtype];
  const bytes = size * ArrayType.BYTES_PER_ELEMENT;
  if (bytes < POOLED_MIN_BYTES) return new ArrayType(size);
  const pooled = reuseBuffer(bytes);
  const array = pooled === undefined ? new ArrayType(size) : new ArrayType(pooled).fill(0);
  noteBuffer(array.buffer as ArrayBuffer);
  return array;
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32' || value === 'bool';
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** True for the four typed arrays that back tensors (Uint8Array for bool). */
export function isBackingArray(data: unknown): data is TypedArray {
  return (
    data instanceof Float32Array ||
    data instanceof Float64Array ||
    data instanceof Int32Array ||
    data instanceof Uint8Array
  );
}

/** The dtype a typed array stands for (Uint8Array is bool). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's `promote_types` on our four dtypes: the larger category wins. */
export function promoteTypes(a: DType, b: DType): DType {
  if (!isDType(a) || !isDType(b)) {
    const [name, value] = isDType(a) ? ['b', b] : ['a', a];
    throw new DTypeError(
      `promoteTypes: ${name} must be 'float32', 'float64', 'int32' or 'bool' — got ${formatValue(value)}`,
    );
  }
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype of `tensor op scalar`, following PyTorch's rule for Python numbers: a scalar only
 * raises the category (bool → int → float), never the width, so `float64 + 1.5` stays float64,
 * `int32 + 2` stays int32, `int32 + 2.5` becomes float32 and `bool + 3` becomes int32.
 */
export function promoteWithScalar(dtype: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return dtype;
  if (isFloating(dtype)) return dtype;
  if (!Number.isInteger(scalar)) return 'float32';
  return dtype === 'bool' ? 'int32' : dtype;
}

/** The dtype of a float-valued op (exp, sqrt, mean, …) on `dtype`: ints and bools become float32. */
export function floatResult(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'float32';
}

/** Throws a DTypeError unless `dtype` is one of `allowed`. */
export function assertDType(
  op: string,
  name: string,
  dtype: DType,
  allowed: readonly DType[],
  hint = '',
): void {
  if (!allowed.includes(dtype)) {
    throw new DTypeError(
      `${op}: ${name} has dtype ${dtype}, expected ${allowed.join(' or ')}${hint ? ` (${hint})` : ''}`,
    );
  }
}
