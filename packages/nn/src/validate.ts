import { Variable } from '@mtl/autograd';
import {
  type DType,
  DTypeError,
  formatShape,
  type Generator,
  IndexError,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

/*
 * The argument checks at the public boundary of @mtl/nn, shared by the layers, Module, the
 * losses, the functional forms and the initialisers: a bad argument fails before any work with a
 * typed error (@mtl/tensor's ValueError, DTypeError, ShapeError, IndexError) that names the
 * function, the argument, what it got and the fix. Formatting a message never throws.
 */

/**
 * The most elements one parameter or buffer of a layer may have: 2²⁸ (268 million; 1 GiB as
 * float32). A larger layer is almost always a typo, and allocating it would take gigabytes.
 */
export const MAX_LAYER_ELEMENTS = 2 ** 28;

/** A short description of any value for a message: `null`, `-1`, `"x"`, `Tensor(float32 [2,3])`, `an array of 2`. */
export function describe(value: unknown): string {
  try {
    switch (typeof value) {
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'string':
        return JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value);
      case 'bigint':
        return `the bigint ${String(value)}n`;
      case 'symbol':
        return `the symbol ${String(value)}`;
      case 'function':
        return 'a function';
      case 'undefined':
      case 'boolean':
        return String(value);
    }
    if (value === null) return 'null';
    if (Array.isArray(value)) return `an array of ${value.length}`;
    if (value instanceof Variable) return `Variable(${value.dtype} ${formatShape(value.shape)})`;
    if (isTensor(value)) return `Tensor(${value.dtype} ${formatShape(value.shape)})`;
    const name = (value as object).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  } catch {
    return 'an unreadable value';
  }
}

/** A Tensor (by shape, dtype and data, so a second copy of @mtl/tensor still counts). */
export function isTensor(x: unknown): x is Tensor {
  try {
    return (
      typeof x === 'object' &&
      x !== null &&
      !(x instanceof Variable) &&
      Array.isArray((x as Tensor).shape) &&
      typeof (x as Tensor).dtype === 'string' &&
      ArrayBuffer.isView((x as Tensor).data)
    );
  } catch {
    return false;
  }
}

/** Requires undefined or an options object (not null, an array or a primitive). */
export function requireOptions(op: string, options: unknown, name = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    return options as Record<string, unknown>;
  }
  throw new ValueError(`${op}: ${name} must be an object such as { … } or omitted, got ${describe(options)}`);
}

/** Requires undefined or a boolean flag. */
export function requireFlag(op: string, name: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw new ValueError(`${op}: ${name} must be true or false, got ${describe(value)}`);
}

/** Requires undefined or a finite number (within [min, max] when given). */
export function requireFinite(
  op: string,
  name: string,
  value: unknown,
  min = -Infinity,
  max = Infinity,
): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return;
  const range =
    min === -Infinity && max === Infinity
      ? 'a finite number'
      : max === Infinity
        ? `a finite number >= ${min}`
        : `a number in [${min}, ${max}]`;
  throw new ValueError(`${op}: ${name} must be ${range}, got ${describe(value)}`);
}

/** Requires an integer (a dim, an index); undefined passes when `optional`. */
export function requireInteger(op: string, name: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return;
  throw new IndexError(`${op}: ${name} must be an integer, got ${describe(value)}`);
}

/** Requires a layer size: an integer in [min, 2³¹ − 1]. */
export function requireSize(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 2 ** 31 - 1)
    return value;
  const kind =
    min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer >= ${min}`;
  throw new ValueError(`${op}: ${name} must be ${kind}, got ${describe(value)}`);
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
    `${op}: ${name} must be 'float32' or 'float64', got ${describe(value)}` +
      (value === 'float16' || value === 'bfloat16' ? ' (half precision is not supported)' : ''),
  );
}

/** Requires one of a few string values (undefined passes). */
export function requireOneOf(op: string, name: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined || (typeof value === 'string' && allowed.includes(value))) return;
  throw new ValueError(
    `${op}: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${describe(value)}`,
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
  throw new ValueError(`${op}: generator must be a Generator (new Generator(seed)), got ${describe(value)}`);
}

/** Requires a Tensor (not a Variable: pass `.value`). */
export function requireTensor(op: string, name: string, value: unknown): asserts value is Tensor {
  if (isTensor(value)) return;
  throw new ValueError(
    `${op}: ${name} must be a Tensor, got ${describe(value)}` +
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
  if (isTensor(x)) return x;
  throw new ValueError(
    `${op}: ${name} must be a Variable or a Tensor, got ${describe(x)}` +
      (Array.isArray(x) ? ' (wrap it: tensor([...]) or variable([...]))' : ''),
  );
}

/** Requires a layer input: a Variable, a Tensor or a number. */
export function requireInput(op: string, name: string, x: unknown): void {
  if (x instanceof Variable || isTensor(x) || typeof x === 'number') return;
  tensorOf(op, name, x);
}
