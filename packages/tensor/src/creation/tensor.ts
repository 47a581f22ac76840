import { allocate, type DType, dtypeOfArray, isDType, type TypedArray } from '../dtype';
import { DTypeError, formatShape, ShapeError } from '../errors';
import { checkShape, sizeOf } from '../shape';
import { Tensor } from '../Tensor';

/** Values `tensor()` accepts: a number, a boolean, nested arrays of them, or a flat typed array. */
export type TensorData = number | boolean | readonly TensorData[] | TypedArray;

export interface TensorOptions {
  /** Element type. Default: the typed array's own type, bool for booleans, else float32. */
  dtype?: DType;
  /** Shape for flat input (an array or typed array); nested input carries its own shape. */
  shape?: readonly number[];
}

/**
 * Creates a tensor from nested arrays (`tensor([[1, 2], [3, 4]])`), from a flat array or typed
 * array with a `shape`, or from one number (a 0-d tensor). The values are copied.
 */
export function tensor(values: TensorData, { dtype, shape }: TensorOptions = {}): Tensor {
  if (dtype !== undefined && !isDType(dtype)) {
    throw new DTypeError(
      `tensor: unknown dtype ${JSON.stringify(dtype)} (use float32, float64, int32 or bool)`,
    );
  }
  if (ArrayBuffer.isView(values)) {
    const typed = values as TypedArray;
    const target = dtype ?? dtypeOfArray(typed);
    const out = copyInto(allocate(target, typed.length), typed, target);
    return new Tensor(out, checkedShape(shape, typed.length), target);
  }
  const inferred = inferShape(values);
  const flat: (number | boolean)[] = [];
  flattenInto(values, flat);
  const target = dtype ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : 'float32');
  const out = allocate(target, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new DTypeError(`tensor: values must be numbers or booleans, got ${typeof v} at flat index ${i}`);
    }
    out[i] = target === 'bool' ? (v ? 1 : 0) : target === 'int32' ? Math.trunc(Number(v)) : Number(v);
  }
  return new Tensor(out, shape === undefined ? inferred : checkedShape(shape, flat.length), target);
}

function checkedShape(shape: readonly number[] | undefined, length: number): number[] {
  if (shape === undefined) return [length];
  checkShape('tensor', shape);
  if (sizeOf(shape) !== length) {
    throw new ShapeError(`tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} values, got ${length}`);
  }
  return [...shape];
}

function copyInto(out: TypedArray, src: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!);
  else out.set(src);
  return out;
}

/** The shape of nested arrays; ragged nesting is a ShapeError naming where it breaks. */
function inferShape(values: TensorData, path = 'values'): number[] {
  if (!Array.isArray(values)) return [];
  if (values.length === 0) return [0];
  const inner = inferShape(values[0] as TensorData, `${path}[0]`);
  for (let i = 1; i < values.length; i++) {
    const other = inferShape(values[i] as TensorData, `${path}[${i}]`);
    if (other.length !== inner.length || other.some((d, j) => d !== inner[j])) {
      throw new ShapeError(
        `tensor: ragged nested array — ${path}[0] has shape ${formatShape(inner)} but ${path}[${i}] has shape ${formatShape(other)}`,
      );
    }
  }
  return [values.length, ...inner];
}

function flattenInto(values: TensorData, out: (number | boolean)[]): void {
  if (Array.isArray(values)) for (const v of values) flattenInto(v as TensorData, out);
  else out.push(values as number | boolean);
}
