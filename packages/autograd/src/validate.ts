import {
  checkInteger,
  type DType,
  DTypeError,
  formatValue,
  IndexError,
  Tensor,
  ValueError,
} from '@mtl/tensor';
import type { VariableLike } from './apply';
import { Variable } from './Variable';

/*
 * The argument checks at the public boundary of @mtl/autograd, shared by every op, so a bad
 * argument fails before any work with a typed error that names the function, the argument, what
 * it got and the fix: `sum: dim must be an integer or an array of integers, got "x"`.
 * Values are shown with @mtl/tensor's `formatValue`, which never throws; flags, choices and plain
 * integers use its generic checks (`checkBoolean`, `checkChoice`, `checkInteger`) directly.
 */

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** `x instanceof C`, false (never a throw) for values such as revoked proxies. */
function isA<T>(x: unknown, C: abstract new (...args: never[]) => T): x is T {
  try {
    return x instanceof C;
  } catch {
    return false;
  }
}

function safeIsArray(x: unknown): x is unknown[] {
  try {
    return Array.isArray(x);
  } catch {
    return false;
  }
}

/** Requires a differentiable-op operand: a Variable, a Tensor, a number or a boolean. */
export function requireOperand(op: string, name: string, x: unknown): asserts x is VariableLike {
  if (isA(x, Variable) || isA(x, Tensor) || typeof x === 'number' || typeof x === 'boolean') return;
  throw new ValueError(
    `${op}: ${name} must be a Variable, a Tensor or a number, got ${formatValue(x)}` +
      (safeIsArray(x) ? ' (wrap arrays: variable([...]) or tensor([...]))' : ''),
  );
}

/** Requires a Variable or a Tensor (an op that needs a shape) and returns the Tensor. */
export function requireTensorLike(op: string, name: string, x: unknown): Tensor {
  if (isA(x, Variable)) return x.value;
  if (isA(x, Tensor)) return x;
  throw new ValueError(
    `${op}: ${name} must be a Variable or a Tensor, got ${formatValue(x)}` +
      (safeIsArray(x) ? ' (wrap arrays: variable([...]) or tensor([...]))' : ''),
  );
}

/** Requires a plain Tensor (index tensors, seeds, gradients). */
export function requireTensor(op: string, name: string, x: unknown): asserts x is Tensor {
  if (isA(x, Tensor)) return;
  throw new ValueError(
    `${op}: ${name} must be a Tensor, got ${formatValue(x)}` +
      (isA(x, Variable)
        ? ` (pass ${name}.value, or ${name}.detach().value)`
        : ' (make one with tensor([...]))'),
  );
}

/** Requires a Variable. */
export function requireVariable(op: string, name: string, x: unknown): asserts x is Variable {
  if (isA(x, Variable)) return;
  throw new ValueError(
    `${op}: ${name} must be a Variable, got ${formatValue(x)}` +
      (isA(x, Tensor) ? ` (wrap it: variable(${name}, { requiresGrad: true }))` : ''),
  );
}

/**
 * Requires undefined or a number: finite (the default), non-NaN (`'infinite'` allows ±Infinity),
 * or any number at all (`'any'`, NaN included).
 */
export function requireNumber(
  op: string,
  name: string,
  value: unknown,
  allow: 'finite' | 'infinite' | 'any' = 'finite',
): void {
  if (value === undefined) return;
  if (typeof value === 'number') {
    if (allow === 'any' || Number.isFinite(value) || (allow === 'infinite' && !Number.isNaN(value))) return;
  }
  const kind =
    allow === 'finite' ? 'a finite number' : allow === 'infinite' ? 'a number (not NaN)' : 'a number';
  throw new ValueError(`${op}: ${name} must be ${kind}, got ${formatValue(value)}`);
}

/** Requires an integer (a dim, an index, a count); undefined or null passes when `optional`. */
export function requireInteger(op: string, name: string, value: unknown, optional = false): void {
  if (!(optional && (value === undefined || value === null))) checkInteger(op, name, value, {}, IndexError);
}

/** Requires a reduction's `dim`: omitted/null, an integer, or an array of integers. */
export function requireDims(op: string, dim: unknown, name = 'dim'): void {
  if (dim === undefined || dim === null) return;
  if (typeof dim === 'number' && Number.isSafeInteger(dim)) return;
  if (
    safeIsArray(dim) &&
    dim.length <= 64 &&
    dim.every((d) => typeof d === 'number' && Number.isSafeInteger(d))
  )
    return;
  throw new IndexError(
    `${op}: ${name} must be an integer or an array of integers (or omitted), got ${formatValue(dim)}`,
  );
}

/** Requires a shape-like list: an array of at most 64 integers (values are checked by the tensor op). */
export function requireIntegerList(op: string, name: string, value: unknown): void {
  if (
    safeIsArray(value) &&
    value.length <= 64 &&
    value.every((d) => typeof d === 'number' && Number.isSafeInteger(d))
  )
    return;
  throw new ValueError(
    `${op}: ${name} must be an array of integers such as [2, 3], got ${formatValue(value)}`,
  );
}

/** Requires a known dtype name. */
export function requireDType(
  op: string,
  name: string,
  value: unknown,
  optional = false,
): asserts value is DType {
  if (optional && value === undefined) return;
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return;
  throw new DTypeError(
    `${op}: ${name} must be one of ${DTYPES.map((d) => `'${d}'`).join(', ')}, got ${formatValue(value)}`,
  );
}

/** Requires a function. */
export function requireFunction(
  op: string,
  name: string,
  value: unknown,
): asserts value is (...a: never[]) => unknown {
  if (typeof value === 'function') return;
  throw new ValueError(`${op}: ${name} must be a function, got ${formatValue(value)}`);
}

/** Requires a Variable or an array of Variables and returns the array. */
export function requireVariables(op: string, name: string, value: unknown): Variable[] {
  const list = safeIsArray(value) ? value : [value];
  if (safeIsArray(value) && value.length === 0) {
    throw new ValueError(`${op}: ${name} must hold at least one Variable, got an empty array`);
  }
  list.forEach((v, i) => {
    requireVariable(op, safeIsArray(value) ? `${name}[${i}]` : name, v);
  });
  return list as Variable[];
}
