import {
  checkChoice,
  checkOptions,
  DTypeError,
  formatValue,
  gt,
  lt,
  optionKeys,
  Tensor,
  ValueError,
} from '@mtl/tensor';

import { apply, unwrap, type VariableLike } from '../apply';

import type { Variable } from '../Variable';
import { requireNumber, requireOperand } from '../validate';

const GELU_OPTIONS = optionKeys<{ approximate?: 'none' | 'tanh' }>({ approximate: true });
const SOFTPLUS_OPTIONS = optionKeys<{ beta?: number; threshold?: number }>({ beta: true, threshold: true });

/*
 * Differentiable elementwise ops, with the signatures of their @mtl/tensor namesakes. Operands
 * may be Variables, Tensors or numbers; Tensors and numbers are constants.
 */

export function add(a: VariableLike, b: VariableLike): Variable {
  return apply('add', [a, b], undefined);
}
export function sub(a: VariableLike, b: VariableLike): Variable {
  return apply('sub', [a, b], undefined);
}
export function mul(a: VariableLike, b: VariableLike): Variable {
  return apply('mul', [a, b], undefined);
}
export function div(a: VariableLike, b: VariableLike): Variable {
  return apply('div', [a, b], undefined);
}
export function pow(x: VariableLike, exponent: VariableLike): Variable {
  return apply('pow', [x, exponent], undefined);
}
/** Ties split the gradient ½–½, as in PyTorch. */
export function maximum(a: VariableLike, b: VariableLike): Variable {
  return apply('maximum', [a, b], undefined);
}
/** Ties split the gradient ½–½, as in PyTorch. */
export function minimum(a: VariableLike, b: VariableLike): Variable {
  return apply('minimum', [a, b], undefined);
}

export function neg(x: VariableLike): Variable {
  return apply('neg', [x], undefined);
}
export function exp(x: VariableLike): Variable {
  return apply('exp', [x], undefined);
}
export function expm1(x: VariableLike): Variable {
  return apply('expm1', [x], undefined);
}
export function log(x: VariableLike): Variable {
  return apply('log', [x], undefined);
}
export function log1p(x: VariableLike): Variable {
  return apply('log1p', [x], undefined);
}
export function sqrt(x: VariableLike): Variable {
  return apply('sqrt', [x], undefined);
}
/** 1/√x, as a composite of sqrt and div. */
export function rsqrt(x: VariableLike): Variable {
  requireOperand('rsqrt', 'x', x);
  return div(1, sqrt(x));
}
/** 1/x, as a composite of div. */
export function reciprocal(x: VariableLike): Variable {
  requireOperand('reciprocal', 'x', x);
  return div(1, x);
}
/** x², as x·x. */
export function square(x: VariableLike): Variable {
  requireOperand('square', 'x', x);
  return mul(x, x);
}
/** |x|; the gradient at 0 is 0, as in PyTorch. */
export function abs(x: VariableLike): Variable {
  return apply('abs', [x], undefined);
}
/** sign(x); its gradient is 0 everywhere. */
export function sign(x: VariableLike): Variable {
  return apply('sign', [x], undefined);
}
export function sin(x: VariableLike): Variable {
  return apply('sin', [x], undefined);
}
export function cos(x: VariableLike): Variable {
  return apply('cos', [x], undefined);
}
export function tanh(x: VariableLike): Variable {
  return apply('tanh', [x], undefined);
}
export function sigmoid(x: VariableLike): Variable {
  return apply('sigmoid', [x], undefined);
}
export function erf(x: VariableLike): Variable {
  return apply('erf', [x], undefined);
}

/** relu; the gradient at 0 is 0, as in PyTorch. */
export function relu(x: VariableLike): Variable {
  return apply('relu', [x], undefined);
}
export function leakyRelu(x: VariableLike, negativeSlope = 0.01): Variable {
  requireNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return apply('leakyRelu', [x], { negativeSlope });
}
export function elu(x: VariableLike, alpha = 1): Variable {
  requireNumber('elu', 'alpha', alpha);
  return apply('elu', [x], { alpha });
}
export function gelu(x: VariableLike, options: { approximate?: 'none' | 'tanh' } = {}): Variable {
  const { approximate = 'none' } = checkOptions('gelu', options, GELU_OPTIONS);
  checkChoice('gelu', 'approximate', approximate, ['none', 'tanh'], 'none');
  return apply('gelu', [x], { approximate: approximate as 'none' | 'tanh' });
}
export function silu(x: VariableLike): Variable {
  return apply('silu', [x], undefined);
}
export function softplus(x: VariableLike, options: { beta?: number; threshold?: number } = {}): Variable {
  const { beta = 1, threshold = 20 } = checkOptions('softplus', options, SOFTPLUS_OPTIONS);
  requireNumber('softplus', 'beta', beta);
  requireNumber('softplus', 'threshold', threshold, 'infinite');
  if (beta === 0) throw new ValueError('softplus: beta must be non-zero (it divides), got 0');
  return apply('softplus', [x], { beta: beta as number, threshold: threshold as number });
}

/**
 * Limits x to [min, max]. The gradient passes where min ≤ x ≤ max (bounds included, as in
 * PyTorch); tensor or Variable bounds get the gradient where they are the result.
 */
export function clamp(x: VariableLike, min?: VariableLike | null, max?: VariableLike | null): Variable {
  requireOperand('clamp', 'x', x);
  if (min !== undefined && min !== null) requireOperand('clamp', 'min', min);
  if (max !== undefined && max !== null) requireOperand('clamp', 'max', max);
  if (typeof min === 'boolean' || typeof max === 'boolean') {
    throw new ValueError('clamp: min and max must be numbers, Tensors or Variables, not booleans');
  }
  const isNumber = (b: VariableLike | null | undefined): b is number | null | undefined =>
    b === undefined || b === null || typeof b === 'number';
  if (isNumber(min) && isNumber(max)) return apply('clamp', [x], { min: min ?? null, max: max ?? null });
  let out = x;
  if (min !== undefined && min !== null) out = where(lt(unwrap(out), unwrap(min)), min, out);
  if (max !== undefined && max !== null) out = where(gt(unwrap(out), unwrap(max)), max, out);
  return out as Variable;
}

/** Picks a where cond holds and b elsewhere; cond is a constant. */
export function where(cond: VariableLike, a: VariableLike, b: VariableLike): Variable {
  requireOperand('where', 'cond', cond);
  requireOperand('where', 'a', a);
  requireOperand('where', 'b', b);
  requireMask('where', 'cond', cond);
  const c = unwrap(cond);
  return apply('where', [a, b], {
    cond: c instanceof Tensor ? c : new Tensor(Uint8Array.of(c ? 1 : 0), [], 'bool'),
  });
}

/** x with `value` where mask holds (the gradient of those positions is 0). */
export function maskedFill(x: VariableLike, mask: VariableLike, value: number): Variable {
  requireOperand('maskedFill', 'x', x);
  requireMask('maskedFill', 'mask', mask);
  requireNumber('maskedFill', 'value', value, 'any');
  if (value === undefined) throw new ValueError('maskedFill: value must be a number, got undefined');
  return where(mask, value, x);
}

/** As PyTorch: a condition or mask is a bool tensor (or a boolean), never a number or a float tensor. */
function requireMask(op: string, name: string, mask: VariableLike): void {
  requireOperand(op, name, mask);
  const m = unwrap(mask);
  if (typeof m === 'boolean' || (m instanceof Tensor && m.dtype === 'bool')) return;
  throw new DTypeError(
    `${op}: ${name} must be a bool Tensor or a boolean, got ${formatValue(mask)} ` +
      "(make a mask with a comparison, e.g. gt(x, 0), or convert it: mask.to('bool'))",
  );
}
