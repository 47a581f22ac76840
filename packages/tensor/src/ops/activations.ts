import { getKernel, KERNELS } from '../backend/registry';
import { checkOptions } from '../checks';
import { formatValue, ValueError } from '../errors';
import { erf } from '../kernels/erf';
import type { Tensor } from '../Tensor';
import { requireNumber } from '../validate';
import type { TensorLike } from './binary';
import { sigmoidScalar } from './math';
import { unaryOp } from './unary';

/* Activation functions, elementwise, with PyTorch's defaults. */

/** max(x, 0); keeps int32; relu(NaN) = NaN, as in PyTorch. */
export function relu(x: TensorLike): Tensor {
  return unaryOp('relu', x, (v) => Math.max(v, 0), 'numeric', getKernel(KERNELS.relu));
}

/** x for x > 0, negativeSlope·x otherwise. */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  return unaryOp('leakyRelu', x, (v) => (v > 0 ? v : v * negativeSlope));
}

/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export function elu(x: TensorLike, alpha = 1): Tensor {
  checkFinite('elu', 'alpha', alpha);
  return unaryOp('elu', x, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Gaussian error linear unit: x·Φ(x) with the exact erf (`approximate: 'none'`, the default),
 * or PyTorch's tanh approximation (`approximate: 'tanh'`).
 */
export function gelu(x: TensorLike, options?: { approximate?: 'none' | 'tanh' }): Tensor {
  const { approximate = 'none' } = checkOptions('gelu', options, ['approximate']);
  if (approximate === 'tanh') {
    return unaryOp('gelu', x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
  }
  if (approximate !== 'none') {
    throw new ValueError(`gelu: approximate must be 'none' or 'tanh' — got ${formatValue(approximate)}`);
  }
  return unaryOp('gelu', x, (v) => 0.5 * v * (1 + erf(v * SQRT1_2)));
}

/** x·σ(x) (also called swish). */
export function silu(x: TensorLike): Tensor {
  return unaryOp('silu', x, (v) => v * sigmoidScalar(v));
}

/**
 * log(1 + e^{βx})/β, reverting to x where βx > threshold (where the two agree to float
 * precision and the exponential would overflow), as in PyTorch.
 */
export function softplus(x: TensorLike, options?: { beta?: number; threshold?: number }): Tensor {
  const { beta = 1, threshold = 20 } = checkOptions('softplus', options, ['beta', 'threshold']);
  checkFinite('softplus', 'beta', beta);
  requireNumber('softplus', 'threshold', threshold);
  if (beta === 0) throw new ValueError('softplus: beta must be nonzero, got 0');
  return unaryOp('softplus', x, (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta));
}

function checkFinite(op: string, name: string, value: number): void {
  requireNumber(op, name, value, { finite: true });
}
