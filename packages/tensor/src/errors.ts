/**
 * Typed errors. Every message reads `op: problem — details (hint)`, names the op and prints
 * shapes with brackets, so a user can find the call and the fix from the message alone.
 */

/** Base class of every error @mtl throws on bad input. */
export class MtlError extends Error {
  override name = 'MtlError';
}

/** Shapes that do not fit the op: mismatched dims, bad reshape sizes, bad dims. */
export class ShapeError extends MtlError {
  override name = 'ShapeError';
}

/** A dtype the op cannot take, such as matmul of bool tensors. */
export class DTypeError extends MtlError {
  override name = 'DTypeError';
}

/** An index out of bounds, or not an integer. */
export class IndexError extends MtlError {
  override name = 'IndexError';
}

/** A bad argument value that is neither a shape, a dtype nor an index (say, a negative size). */
export class ValueError extends MtlError {
  override name = 'ValueError';
}

/** A linear-algebra failure on valid input: a singular matrix, or an iteration that did not converge. */
export class LinAlgError extends MtlError {
  override name = 'LinAlgError';
}

/** `[2,3]`: how every message prints a shape (safe on unchecked input: it never throws). */
export function formatShape(shape: readonly number[]): string {
  if (!Array.isArray(shape)) return formatValue(shape);
  const dims = shape.length > 16 ? [...shape.slice(0, 16), '…'] : shape;
  return `[${dims.map((d) => (typeof d === 'number' || d === '…' ? String(d) : formatValue(d))).join(',')}]`;
}

/**
 * How a message names a value of the wrong kind: `null`, `an array`, `Variable`, `string`…
 * Never throws, even on hostile objects (a throwing `constructor` getter, a revoked Proxy).
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  } catch {
    return 'object';
  }
  return typeof value;
}

/**
 * How a message shows the value a caller passed: numbers, strings (quoted, cut at 40 chars),
 * bigints and symbols as written, short arrays of them, anything else by `describeValue`.
 * Template literals throw on symbols and JSON.stringify on bigints; this never throws.
 */
export function formatValue(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return value.toString();
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'function':
      return 'a function';
  }
  try {
    if (Array.isArray(value) && depth < 2 && value.length <= 8) {
      return `[${value.map((v) => formatValue(v, depth + 1)).join(', ')}]`;
    }
  } catch {
    // A Proxy that throws on access: fall through to its kind.
  }
  return describeValue(value);
}
