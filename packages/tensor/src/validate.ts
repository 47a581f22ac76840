/**
 * The input checks at @mtl/tensor's public boundary. Every exported function runs its arguments
 * through these before any work, so a bad call ends in a typed error that names the op, the
 * argument, what it got and the fix — never a `TypeError` from deep inside a loop.
 *
 * Which error class: a Tensor operand of the wrong kind or a dtype → DTypeError; a shape →
 * ShapeError; a dim or an index → IndexError; any other number, flag or options object →
 * ValueError. Messages show values with `formatValue`, which never throws (symbols, bigints).
 */
import { allocate, DTYPES, type DType, isDType, type TypedArray } from './dtype';
import { DTypeError, formatShape, formatValue, type MtlError, ShapeError, ValueError } from './errors';
import { Tensor } from './Tensor';

/**
 * The most elements a tensor may have: 2^31 − 1, the largest length every engine gives a typed
 * array of any of our dtypes (and 16 GB of float64 already). Larger requests are refused up front
 * instead of failing (or succeeding, slowly) deep inside an allocation.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** The most dims a tensor may have; it also bounds the recursion into nested arrays. */
export const MAX_RANK = 64;

type ErrorClass = new (message: string) => MtlError;

/** x itself if it is a Tensor; otherwise a DTypeError naming the argument. */
export function requireTensor(op: string, name: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  throw new DTypeError(
    `${op}: ${name} must be a Tensor — got ${formatValue(x)}` +
      (Array.isArray(x) ? ' (wrap arrays with tensor([...]))' : " (for Variables use @mtl/autograd's ops)"),
  );
}

/** A non-empty array of Tensors (concat, stack). */
export function requireTensorList(op: string, name: string, xs: unknown): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ShapeError(`${op}: ${name} must be a non-empty array of tensors — got ${formatValue(xs)}`);
  }
  return xs.map((x, i) => requireTensor(op, `${name}[${i}]`, x));
}

/** A number (never NaN), checked for finiteness, integrality and range as asked. */
export function requireNumber(
  op: string,
  name: string,
  x: unknown,
  { finite = false, integer = false, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = {},
  ErrorType: ErrorClass = ValueError,
): number {
  const kind = integer ? 'an integer' : finite ? 'a finite number' : 'a number';
  if (
    typeof x !== 'number' ||
    Number.isNaN(x) ||
    (integer && !Number.isInteger(x)) ||
    (finite && !Number.isFinite(x))
  ) {
    throw new ErrorType(`${op}: ${name} must be ${kind} — got ${formatValue(x)}`);
  }
  if (x < min || x > max) {
    throw new ErrorType(`${op}: ${name} must be ${kind} in [${min}, ${max}] — got ${formatValue(x)}`);
  }
  return x;
}

/** A fill value: a number or a boolean (true is 1), as PyTorch's Python scalars. */
export function requireScalar(op: string, name: string, x: unknown): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x !== 'number') {
    throw new ValueError(`${op}: ${name} must be a number or a boolean — got ${formatValue(x)}`);
  }
  return x;
}

/** A dtype name among `allowed` (undefined means `fallback`). */
export function requireDType(
  op: string,
  name: string,
  x: unknown,
  fallback: DType,
  allowed: readonly DType[] = DTYPES,
  hint = '',
): DType {
  if (x === undefined) return fallback;
  if (!isDType(x) || !allowed.includes(x)) {
    throw new DTypeError(
      `${op}: ${name} must be ${allowed.map((d) => `'${d}'`).join(', ')} — got ${formatValue(x)}` +
        (hint ? ` (${hint})` : ''),
    );
  }
  return x;
}

/**
 * A shape: an array of at most MAX_RANK non-negative integers whose product is at most
 * MAX_ELEMENTS. Returns a copy, so a caller's later edits cannot change a tensor.
 */
export function requireShape(op: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(
      `${op}: ${name} must be an array of non-negative integers like [2, 3] — got ${formatValue(shape)}`,
    );
  }
  if (shape.length > MAX_RANK) {
    throw new ShapeError(`${op}: ${name} has ${shape.length} dims, more than the ${MAX_RANK} allowed`);
  }
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: ${name} must hold non-negative integers — got ${formatShape(shape)} (entry ${i} is ${formatValue(d)})`,
      );
    }
    out[i] = d;
  }
  requireSize(op, out);
  return out;
}

/** Refuses a result of more than MAX_ELEMENTS elements, before anything is allocated. */
export function requireSize(op: string, shape: readonly number[], size = sizeOfChecked(shape)): number {
  if (size > MAX_ELEMENTS) {
    throw new ValueError(
      `${op}: a tensor of shape ${formatShape(shape)} would have ${size} elements, more than the ` +
        `limit of 2^31 − 1 (${MAX_ELEMENTS}) — use a smaller shape`,
    );
  }
  return size;
}

function sizeOfChecked(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** `allocate` for a shape that may come from user input: refuses one over the limit first. */
export function allocateChecked(op: string, dtype: DType, shape: readonly number[]): TypedArray {
  return allocate(dtype, requireSize(op, shape));
}

/** A bool Tensor (masks and conditions, as in PyTorch: a float mask is refused, not thresholded). */
export function requireBoolTensor(op: string, name: string, x: Tensor): Tensor {
  if (x.dtype !== 'bool') {
    throw new DTypeError(
      `${op}: ${name} must be a bool tensor — got dtype ${x.dtype} (make one with a comparison such as x.gt(0), or ${name}.to('bool'))`,
    );
  }
  return x;
}
