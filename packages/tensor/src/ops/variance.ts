import { checkBoolean } from '../checks';
import { assertDType } from '../dtype';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { div } from './div';
import { sqrt } from './math';
import { mean } from './mean';
import { mul } from './mul';
import { type Dims, planReduction, type ReduceOptions, readKeepDim } from './reduction';
import { sub } from './sub';
import { sum } from './sum';

export interface VarianceOptions extends ReduceOptions {
  /** Divide by N − 1 (Bessel's correction, the default, as in PyTorch) instead of N. */
  unbiased?: boolean;
}

/**
 * Variance over `dim` (all dims by default), computed in two passes (mean, then squared
 * deviations) for accuracy. With N − 1 = 0 the result is NaN, as in PyTorch.
 */
export function variance(x: Tensor, dim?: Dims, options?: VarianceOptions): Tensor {
  return varianceOf('variance', x, dim, options);
}

function varianceOf(op: string, x: Tensor, dim: Dims, options: VarianceOptions | undefined): Tensor {
  requireTensor(op, 'x', x);
  const keepDim = readKeepDim(op, options, ['unbiased']);
  const unbiased = checkBoolean(op, 'unbiased', options?.unbiased, true);
  assertDType(op, 'x', x.dtype, ['float32', 'float64'], "cast first: x.to('float32')");
  const n = planReduction(op, x, dim).lanes.length;
  const deviation = sub(x, mean(x, dim, { keepDim: true }));
  const squares = sum(mul(deviation, deviation), dim, { keepDim });
  return div(squares, Math.max(unbiased ? n - 1 : n, 0));
}

/** Standard deviation over `dim`: the square root of `variance` with the same options. */
export function std(x: Tensor, dim?: Dims, options?: VarianceOptions): Tensor {
  return sqrt(varianceOf('std', x, dim, options));
}
