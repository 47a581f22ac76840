/**
 * Typed errors. Every message reads `op: problem — details (hint)`, names the op and prints
 * shapes with brackets, so a user can find the call and the fix from the message alone.
 */

/** Base class of every error `@mtl` throws on bad input. */
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
 * How every `@mtl` message shows a value a caller passed — the one formatter, so each package
 * prints the same thing the same way:
 *
 * - numbers as JS prints them (`-0` too), booleans, `null`, `undefined`;
 * - strings quoted, cut at 40 characters: `"abc"`;
 * - bigints and symbols as written: `10n`, `Symbol(s)`; a function as `a function`;
 * - arrays of at most 8 items, two levels deep, item by item: `[1, "x"]`; longer ones
 *   `an array of length 9`; typed arrays `a Float32Array of length 3`;
 * - tensors and tensor-like objects (anything with an array `shape` and a string `dtype`, so a
 *   Variable or a Tensor from a second copy of this package too) by kind, dtype and shape:
 *   `a float32 Tensor of shape [2,3]`, `a float64 Variable of shape []`;
 * - plain objects of at most 4 keys, two levels deep: `{ lr: 0.1 }`; larger ones `an object`;
 * - other objects by their class: `a Map`, `an Error`.
 *
 * It never throws, even on a revoked Proxy or an object whose getters throw (`an unreadable
 * value`), which template literals (symbols) and JSON.stringify (bigints, cycles) would.
 */
export function formatValue(value: unknown): string {
  try {
    return show(value, 0);
  } catch {
    return 'an unreadable value';
  }
}

function show(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return Symbol.prototype.toString.call(value);
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth < 2 && value.length <= 8) return `[${value.map((v) => show(v, depth + 1)).join(', ')}]`;
    return `an array of length ${value.length}`;
  }
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const ctor = proto?.constructor?.name;
  const name = typeof ctor === 'string' && ctor !== '' ? ctor : undefined;
  if (ArrayBuffer.isView(value)) {
    const length = (value as { length?: unknown }).length;
    return typeof length === 'number'
      ? `${article(name ?? 'typed array')} of length ${length}`
      : `${article(name ?? 'DataView')} of ${value.byteLength} bytes`;
  }
  const t = value as { shape?: unknown; dtype?: unknown };
  if (Array.isArray(t.shape) && typeof t.dtype === 'string') {
    const kind = name !== undefined && name !== 'Object' ? name : 'Tensor';
    const dims = t.shape as unknown[];
    const shape = dims.every((d) => typeof d === 'number')
      ? ` of shape ${formatShape(dims as number[])}`
      : '';
    const dtype = t.dtype.length > 16 ? `${t.dtype.slice(0, 16)}…` : t.dtype;
    return `a ${dtype} ${kind}${shape}`;
  }
  if (proto === null || proto === Object.prototype) {
    const keys = Object.keys(value as object);
    if (depth < 2 && keys.length <= 4) {
      if (keys.length === 0) return '{}';
      const record = value as Record<string, unknown>;
      const entries = keys.map(
        (k) => `${k.length <= 40 && IDENTIFIER.test(k) ? k : show(k, depth)}: ${show(record[k], depth + 1)}`,
      );
      return `{ ${entries.join(', ')} }`;
    }
    return 'an object';
  }
  return name !== undefined && name !== 'Object' ? article(name) : 'an object';
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `a Map`, `an Error`. */
function article(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}
