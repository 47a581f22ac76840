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

/** `[2,3]`: how every message prints a shape. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** How a message names a value of the wrong kind: `null`, `an array`, `Variable`, `string`… */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
