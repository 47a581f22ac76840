import { checkNumber, formatValue, isPlainObject, mustBe, Tensor } from '@mtl/tensor';
import { OptimError } from './OptimError';
import type { ParameterLike } from './ParameterLike';

/*
 * The checks at the package's public boundary, shared by the optimizers, the schedulers and the
 * clipping functions. Every message names the class or function, the argument, what it got and
 * the fix, e.g. `Adam: betas[0] must be in [0, 1) — got 1.2`, and is thrown before any work.
 */

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
    throw new OptimError(`${where}: ${name} must be ${wanted}, got ${formatValue(value)}`);
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
        `${where}: params[${i}] must be a parameter ({ value: Tensor, grad: Tensor | null }), got ${formatValue(p)}`,
      );
    }
    const g = p.grad;
    if (g === null || g === undefined) return;
    if (!isFloatTensor(g)) {
      throw new OptimError(
        `${where}: params[${i}].grad must be null or a float32/float64 Tensor, got ${formatValue(g)}`,
      );
    }
    grads.push(g);
  });
  return grads;
}

/** A finite number ≥ 0 (lr, weight decay, eps). */
export function nonNegative(op: string, name: string, value: unknown): void {
  checkNumber(op, name, value, { min: 0 }, OptimError);
}

/** A number in [0, 1) (betas, momentum-like coefficients). */
export function inUnitInterval(op: string, name: string, value: unknown): void {
  checkNumber(op, name, value, { min: 0, max: 1, maxExclusive: true }, OptimError);
}

/** A boolean flag. */
export function isBoolean(op: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new OptimError(mustBe(op, name, 'true or false', value));
}

export function betasPair(op: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new OptimError(
      `${op}: betas must be a pair [beta1, beta2] such as [0.9, 0.999], got ${formatValue(betas)}`,
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
