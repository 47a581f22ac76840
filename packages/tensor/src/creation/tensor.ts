import { checkOptions } from '../checks';
import { type DType, dtypeOfArray, type TypedArray } from '../dtype';
import { DTypeError, formatShape, formatValue, ShapeError } from '../errors';
import { toInt32 } from '../int32';
import { sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { allocateChecked, MAX_RANK, requireDType, requireShape, requireSize } from '../validate';

/** Values `tensor()` accepts: a number, a boolean, nested arrays of them, or a flat typed array. */
export type TensorData = number | boolean | readonly TensorData[] | TypedArray;

export interface TensorOptions {
  /** Element type. Default: the typed array's own type, bool for booleans, else float32. */
  dtype?: DType;
  /** Shape for flat input (an array or typed array); nested input carries its own shape. */
  shape?: readonly number[];
}

/** Typed arrays read as numbers without a dtype of their own (they default to float32). */
const OTHER_NUMERIC = [Int8Array, Int16Array, Uint16Array, Uint32Array, Uint8ClampedArray];

/**
 * Creates a tensor from nested arrays (`tensor([[1, 2], [3, 4]])`), from a flat array or typed
 * array with a `shape`, or from one number (a 0-d tensor). The values are copied. Into int32,
 * values must be integers that fit (see the int32 rule in the README).
 */
export function tensor(values: TensorData, options: TensorOptions = {}): Tensor {
  const opts = checkOptions('tensor', options, ['dtype', 'shape']);
  const given = opts.dtype === undefined ? undefined : requireDType('tensor', 'dtype', opts.dtype, 'float32');
  if (ArrayBuffer.isView(values)) {
    const own = ownDType(values);
    const target = given ?? own;
    const typed = values as unknown as ArrayLike<number>;
    const shape = checkedShape(opts.shape, typed.length);
    return new Tensor(copyInto(target, typed, shape), shape, target);
  }
  const inferred = inferShape(values, 'values', 0);
  requireSize('tensor', inferred);
  const flat: unknown[] = [];
  flattenInto(values, flat);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new DTypeError(
        `tensor: values must be numbers or booleans — got ${formatValue(v)} at flat index ${i}`,
      );
    }
  }
  const target = given ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : 'float32');
  const shape = opts.shape === undefined ? inferred : checkedShape(opts.shape, flat.length);
  const numbers = flat.map(Number);
  return new Tensor(copyInto(target, numbers, shape), shape, target);
}

function ownDType(values: ArrayBufferView): DType {
  if (
    values instanceof Float32Array ||
    values instanceof Float64Array ||
    values instanceof Int32Array ||
    values instanceof Uint8Array
  ) {
    return dtypeOfArray(values);
  }
  if (OTHER_NUMERIC.some((C) => values instanceof C)) return 'float32';
  throw new DTypeError(
    `tensor: ${formatValue(values)} cannot be read as numbers (use a Float32Array, Float64Array, Int32Array, Uint8Array or a plain array)`,
  );
}

function checkedShape(shape: readonly number[] | undefined, length: number): number[] {
  if (shape === undefined) return [length];
  const checked = requireShape('tensor', 'shape', shape);
  if (sizeOf(checked) !== length) {
    throw new ShapeError(
      `tensor: shape ${formatShape(checked)} needs ${sizeOf(checked)} values, got ${length}`,
    );
  }
  return checked;
}

/** A copy of `src` in `dtype`: bools become 0/1; int32 follows the int32 rule. */
function copyInto(dtype: DType, src: ArrayLike<number>, shape: readonly number[]): TypedArray {
  if (dtype === 'int32') return toInt32('tensor', src, 'value');
  const out = allocateChecked('tensor', dtype, shape);
  if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (ArrayBuffer.isView(src)) out.set(src as never);
  else for (let i = 0; i < src.length; i++) out[i] = src[i]!;
  return out;
}

/**
 * The shape of nested arrays; ragged nesting is a ShapeError naming where it breaks. Nesting
 * deeper than MAX_RANK (or a cycle) is refused before it can overflow the stack.
 */
function inferShape(values: unknown, path: string, depth: number): number[] {
  if (!Array.isArray(values)) return [];
  if (depth >= MAX_RANK) {
    throw new ShapeError(
      `tensor: values are nested more than ${MAX_RANK} deep (a tensor has at most ${MAX_RANK} dims)`,
    );
  }
  if (values.length === 0) return [0];
  const inner = inferShape(values[0], `${path}[0]`, depth + 1);
  for (let i = 1; i < values.length; i++) {
    const other = inferShape(values[i], `${path}[${i}]`, depth + 1);
    if (other.length !== inner.length || other.some((d, j) => d !== inner[j])) {
      throw new ShapeError(
        `tensor: ragged nested array — ${path}[0] has shape ${formatShape(inner)} but ${path}[${i}] has shape ${formatShape(other)}`,
      );
    }
  }
  return [values.length, ...inner];
}

function flattenInto(values: unknown, out: unknown[]): void {
  if (Array.isArray(values)) for (const v of values) flattenInto(v, out);
  else out.push(values);
}
