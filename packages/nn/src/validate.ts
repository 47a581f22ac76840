import { Variable } from '@mtl/autograd';
import {
  checkInteger,
  checkNumber,
  type DType,
  DTypeError,
  formatShape,
  formatValue,
  type Generator,
  IndexError,
  isTensorLike,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

/*
 * The argument checks at the public boundary of @mtl/nn, shared by the layers, Module, the
 * losses, the functional forms and the initialisers: a bad argument fails before any work with a
 * typed error (@mtl/tensor's ValueError, DTypeError, ShapeError, IndexError) that names the
 * function, the argument, what it got and the fix. Values are shown with @mtl/tensor's
 * `formatValue`, which never throws; flags, choices and plain numbers use its generic checks
 * (`checkBoolean`, `checkChoice`, `checkNumber`, `checkInteger`) directly.
 */

/**
 * The most elements one parameter or buffer of a layer may have: 2²⁸ (268 million; 1 GiB as
 * float32). A larger layer is almost always a typo, and allocating it would take gigabytes.
 */
export const MAX_LAYER_ELEMENTS = 2 ** 28;

/** Requires undefined or a finite number (within [min, max] when given). */
export function requireFinite(op: string, name: string, value: unknown, min?: number, max?: number): void {
  if (value !== undefined) checkNumber(op, name, value, { min, max });
}

/** Requires an integer (a dim, an index); undefined passes when `optional`. */
export function requireInteger(op: string, name: string, value: unknown, optional = false): void {
  if (!(optional && value === undefined)) checkInteger(op, name, value, {}, IndexError);
}

/** Requires a layer size: an integer in [min, 2³¹ − 1]. */
export function requireSize(op: string, name: string, value: unknown, min = 1): number {
  return checkInteger(op, name, value, { min, max: 2 ** 31 - 1 });
}

/** Refuses a layer whose parameter would hold more than MAX_LAYER_ELEMENTS elements. */
export function requireLayerSize(op: string, name: string, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size <= MAX_LAYER_ELEMENTS) return;
  throw new ValueError(
    `${op}: ${name} of shape ${formatShape(shape)} would hold ${size} elements, more than the limit of ` +
      `${MAX_LAYER_ELEMENTS} (2^28) per parameter — check the sizes`,
  );
}

/** Requires undefined or a float dtype name (layers and `Module.to` hold float parameters). */
export function requireFloatDType(
  op: string,
  name: string,
  value: unknown,
  optional = true,
): asserts value is DType {
  if (optional && value === undefined) return;
  if (value === 'float32' || value === 'float64') return;
  throw new DTypeError(
    `${op}: ${name} must be 'float32' or 'float64', got ${formatValue(value)}` +
      (value === 'float16' || value === 'bfloat16' ? ' (half precision is not supported)' : ''),
  );
}

/** Requires undefined or a random generator (a @mtl/tensor `Generator`). */
export function requireGenerator(op: string, value: unknown): asserts value is Generator | undefined {
  if (value === undefined) return;
  try {
    const g = value as Generator;
    if (
      typeof g === 'object' &&
      g !== null &&
      typeof g.fillUniform === 'function' &&
      typeof g.fillNormal === 'function'
    )
      return;
  } catch {
    // Falls through to the error.
  }
  throw new ValueError(
    `${op}: generator must be a Generator (new Generator(seed)), got ${formatValue(value)}`,
  );
}

/** Requires a Tensor (not a Variable: pass `.value`). */
export function requireTensor(op: string, name: string, value: unknown): asserts value is Tensor {
  if (isTensorLike(value)) return;
  throw new ValueError(
    `${op}: ${name} must be a Tensor, got ${formatValue(value)}` +
      (value instanceof Variable
        ? ` (pass ${name}.value)`
        : Array.isArray(value)
          ? ' (wrap it: tensor([...]))'
          : ''),
  );
}

/** Requires undefined or a Tensor option (a weight). */
export function requireOptionalTensor(
  op: string,
  name: string,
  value: unknown,
): asserts value is Tensor | undefined {
  if (value === undefined) return;
  requireTensor(op, name, value);
}

/** The tensor behind a Variable or a Tensor. */
export function tensorOf(op: string, name: string, x: unknown): Tensor {
  if (x instanceof Variable) return x.value;
  if (isTensorLike(x)) return x;
  throw new ValueError(
    `${op}: ${name} must be a Variable or a Tensor, got ${formatValue(x)}` +
      (Array.isArray(x) ? ' (wrap it: tensor([...]) or variable([...]))' : ''),
  );
}

/** Requires a layer input: a Variable, a Tensor or a number. */
export function requireInput(op: string, name: string, x: unknown): void {
  if (x instanceof Variable || isTensorLike(x) || typeof x === 'number') return;
  tensorOf(op, name, x);
}
