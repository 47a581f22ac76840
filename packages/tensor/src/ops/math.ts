import { getKernel, KERNELS } from '../backend/registry';
import { erf as erfScalar } from '../kernels/erf';
import type { Tensor } from '../Tensor';
import type { TensorLike } from './binary';
import { unaryOp } from './unary';

/*
 * Elementwise math, one line each. Float-valued functions turn int and bool inputs into float32;
 * the sign-and-magnitude ones (neg, abs, sign, square) keep int32.
 */

/** −x */
export function neg(x: TensorLike): Tensor {
  return unaryOp('neg', x, (v) => -v, 'numeric', getKernel(KERNELS.neg));
}

/** |x| */
export function abs(x: TensorLike): Tensor {
  return unaryOp('abs', x, Math.abs, 'numeric', getKernel(KERNELS.abs));
}

/** −1, 0 or 1; sign(0) = 0 and sign(NaN) = 0, as in PyTorch. */
export function sign(x: TensorLike): Tensor {
  return unaryOp('sign', x, (v) => (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0), 'any');
}

/** x² */
export function square(x: TensorLike): Tensor {
  return unaryOp('square', x, (v) => v * v, 'numeric', getKernel(KERNELS.square));
}

/** eˣ */
export function exp(x: TensorLike): Tensor {
  return unaryOp('exp', x, Math.exp, 'float', getKernel(KERNELS.exp));
}

/** eˣ − 1, accurate for small x. */
export function expm1(x: TensorLike): Tensor {
  return unaryOp('expm1', x, Math.expm1);
}

/** Natural logarithm. */
export function log(x: TensorLike): Tensor {
  return unaryOp('log', x, Math.log, 'float', getKernel(KERNELS.log));
}

/** log(1 + x), accurate for small x. */
export function log1p(x: TensorLike): Tensor {
  return unaryOp('log1p', x, Math.log1p);
}

/** √x */
export function sqrt(x: TensorLike): Tensor {
  return unaryOp('sqrt', x, Math.sqrt, 'float', getKernel(KERNELS.sqrt));
}

/** 1/√x */
export function rsqrt(x: TensorLike): Tensor {
  return unaryOp('rsqrt', x, (v) => 1 / Math.sqrt(v));
}

/** 1/x */
export function reciprocal(x: TensorLike): Tensor {
  return unaryOp('reciprocal', x, (v) => 1 / v);
}

/** sin x */
export function sin(x: TensorLike): Tensor {
  return unaryOp('sin', x, Math.sin);
}

/** cos x */
export function cos(x: TensorLike): Tensor {
  return unaryOp('cos', x, Math.cos);
}

/** tanh x */
export function tanh(x: TensorLike): Tensor {
  return unaryOp('tanh', x, Math.tanh, 'float', getKernel(KERNELS.tanh));
}

/** 1 / (1 + e⁻ˣ), computed without overflow for large |x|. */
export function sigmoid(x: TensorLike): Tensor {
  return unaryOp('sigmoid', x, sigmoidScalar, 'float', getKernel(KERNELS.sigmoid));
}

/** The Gauss error function, accurate to float64 precision. */
export function erf(x: TensorLike): Tensor {
  return unaryOp('erf', x, erfScalar);
}

export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}
