import { gt, lt, Tensor } from '@mtl/tensor';
import { apply, unwrap, type VariableLike } from '../apply';
import type { Variable } from '../Variable';

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
  return div(1, sqrt(x));
}
/** 1/x, as a composite of div. */
export function reciprocal(x: VariableLike): Variable {
  return div(1, x);
}
/** x², as x·x. */
export function square(x: VariableLike): Variable {
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
  return apply('leakyRelu', [x], { negativeSlope });
}
export function elu(x: VariableLike, alpha = 1): Variable {
  return apply('elu', [x], { alpha });
}
export function gelu(
  x: VariableLike,
  { approximate = 'none' }: { approximate?: 'none' | 'tanh' } = {},
): Variable {
  return apply('gelu', [x], { approximate });
}
export function silu(x: VariableLike): Variable {
  return apply('silu', [x], undefined);
}
export function softplus(
  x: VariableLike,
  { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {},
): Variable {
  return apply('softplus', [x], { beta, threshold });
}

/**
 * Limits x to [min, max]. The gradient passes where min ≤ x ≤ max (bounds included, as in
 * PyTorch); tensor or Variable bounds get the gradient where they are the result.
 */
export function clamp(x: VariableLike, min?: VariableLike | null, max?: VariableLike | null): Variable {
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
  const c = unwrap(cond);
  return apply('where', [a, b], {
    cond: c instanceof Tensor ? c : new Tensor(Uint8Array.of(c ? 1 : 0), [], 'bool'),
  });
}

/** x with `value` where mask holds (the gradient of those positions is 0). */
export function maskedFill(x: VariableLike, mask: VariableLike, value: number): Variable {
  return where(mask, value, x);
}
