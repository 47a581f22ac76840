import { full } from '../creation/fill';
import { assertDType, floatResult } from '../dtype';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { add } from './add';
import { eq } from './comparison';
import { amax } from './extrema';
import { abs, exp, log } from './math';
import { type Dims, planReduction, type ReduceOptions, readKeepDim } from './reduction';
import { squeeze } from './squeeze';
import { sub } from './sub';
import { sum } from './sum';
import { where } from './where';

/**
 * log(Σ exp(x)) over `dim`, computed stably: the max is subtracted first, and an infinite max is
 * treated as 0 so that all −∞ gives −∞ (not NaN), as in PyTorch. The log-sum-exp of nothing is −∞.
 */
export function logsumexp(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  requireTensor('logsumexp', 'x', x);
  const keepDim = readKeepDim('logsumexp', options);
  assertDType('logsumexp', 'x', x.dtype, ['float32', 'float64', 'int32', 'bool']);
  const plan = planReduction('logsumexp', x, dim, keepDim);
  const dtype = floatResult(x.dtype);
  if (plan.lanes.length === 0) return full(plan.shape, Number.NEGATIVE_INFINITY, { dtype });
  const xf = x.to(dtype);
  const m = amax(xf, dim, { keepDim: true });
  const shift = where(eq(abs(m), Number.POSITIVE_INFINITY), 0, m);
  const out = add(log(sum(exp(sub(xf, shift)), dim, { keepDim: true })), shift);
  return keepDim ? out : squeeze(out, plan.dims);
}
