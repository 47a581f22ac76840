import { Tensor } from '@mtl/tensor';
import { OptimError } from './OptimError';
import type { ParameterLike } from './ParameterLike';

/*
 * The checks at the package's public boundary, shared by the optimizers, the schedulers and the
 * clipping functions. Every message names the class or function, the argument, what it got and
 * the fix, e.g. `Adam: betas[0] must be in [0, 1), got 1.2`, and is thrown before any work.
 */

/**
 * A value as a message shows it: numbers as JS prints them (`-0` too), strings quoted, arrays and
 * plain objects as short JSON, tensors by dtype and shape, anything else by its kind. Never throws,
 * whatever it is given (symbols, bigints, objects without a prototype or with throwing getters).
 */
export function show(value: unknown): string {
  try {
    return showValue(value);
  } catch {
    return 'a value that cannot be shown';
  }
}

function showValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n (a bigint)`;
    case 'symbol':
      return `${value.toString()} (a symbol)`;
    case 'function':
      return 'a function';
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'undefined':
    case 'boolean':
      return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Tensor) return `a ${value.dtype} Tensor of shape [${value.shape.join(',')}]`;
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor?.name ?? 'typed array'} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  }
  if (Array.isArray(value) || isPlainObject(value)) {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'symbol') return v.toString();
      if (typeof v === 'function') return '[function]';
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      return v;
    });
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  }
  const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor !== '' ? `a ${ctor}` : 'an object';
}

/** An object literal (or one without a prototype): not an array, a class instance, a Map or a Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An options argument: undefined becomes `{}`; anything but a plain object is refused. */
export function optionsObject(where: string, value: unknown, example: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new OptimError(`${where}: options must be an object such as ${example}, got ${show(value)}`);
  }
  return value;
}

/** Rejects option names that are not in `known` (a typo would otherwise be silently ignored). */
export function checkKnown(where: string, options: object, known: readonly string[], context?: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const inside = context === undefined ? '' : ` in ${context}`;
      throw new OptimError(
        `${where}: unknown option ${JSON.stringify(key)}${inside} (known: ${known.join(', ')})`,
      );
    }
  }
}

/** Whether `x` has the shape of a parameter: `{ value: Tensor, grad }`. */
export function isParameter(x: unknown): x is ParameterLike {
  return typeof x === 'object' && x !== null && (x as ParameterLike).value instanceof Tensor && 'grad' in x;
}

/**
 * The items of a `params` argument as an array. Refuses what is not an iterable of items (null,
 * a number, a string, one parameter or tensor on its own) with a message naming `where`.
 */
export function iterableArgument(where: string, name: string, value: unknown): unknown[] {
  const wanted = 'an array of parameters ({ value: Tensor, grad }, such as @mtl/autograd Parameters)';
  if (isParameter(value)) {
    throw new OptimError(`${where}: ${name} must be ${wanted}, got a single parameter (wrap it: [param])`);
  }
  if (value instanceof Tensor) {
    throw new OptimError(
      `${where}: ${name} must be ${wanted}, got a Tensor (an optimizer updates parameters: pass { value: tensor, grad: null } objects or Parameters)`,
    );
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
  ) {
    throw new OptimError(`${where}: ${name} must be ${wanted}, got ${show(value)}`);
  }
  return [...(value as Iterable<unknown>)];
}

/** A float tensor (float32 or float64), the only kind an optimizer updates. */
export function isFloatTensor(x: unknown): x is Tensor {
  return x instanceof Tensor && (x.dtype === 'float32' || x.dtype === 'float64');
}

/**
 * The gradients of `params` for the clipping functions: every item must be a parameter whose
 * `grad` is null or a float tensor. One parameter on its own is accepted, as PyTorch accepts one
 * tensor.
 */
export function gradientsOf(where: string, params: unknown): Tensor[] {
  const list = isParameter(params) ? [params] : iterableArgument(where, 'params', params);
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!isParameter(p)) {
      throw new OptimError(
        `${where}: params[${i}] must be a parameter ({ value: Tensor, grad: Tensor | null }), got ${show(p)}`,
      );
    }
    const g = p.grad;
    if (g === null || g === undefined) return;
    if (!isFloatTensor(g)) {
      throw new OptimError(
        `${where}: params[${i}].grad must be null or a float32/float64 Tensor, got ${show(g)}`,
      );
    }
    grads.push(g);
  });
  return grads;
}

export function nonNegative(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new OptimError(`${op}: ${name} must be a finite number ≥ 0, got ${show(value)}`);
  }
}

export function inUnitInterval(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new OptimError(`${op}: ${name} must be in [0, 1), got ${show(value)}`);
  }
}

export function isBoolean(op: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean')
    throw new OptimError(`${op}: ${name} must be true or false, got ${show(value)}`);
}

export function betasPair(op: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new OptimError(
      `${op}: betas must be a pair [beta1, beta2] such as [0.9, 0.999], got ${show(betas)}`,
    );
  }
  inUnitInterval(op, 'betas[0]', betas[0]);
  inUnitInterval(op, 'betas[1]', betas[1]);
}

/**
 * Whether `value` is plain data that a state dict may hold and `structuredClone` copies: numbers,
 * strings, booleans, null, and arrays or plain objects of them (at most `depth` levels), with no
 * `__proto__`, `constructor` or `prototype` keys.
 */
export function isPlainData(value: unknown, depth = 4): boolean {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth === 0) return false;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth - 1));
  if (!isPlainObject(value)) return false;
  return Object.entries(value).every(([k, v]) => !UNSAFE_KEYS.has(k) && isPlainData(v, depth - 1));
}

/** Keys that would reach an object's prototype when assigned. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
