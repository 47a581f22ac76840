import { floatResult } from '../dtype';
import { normalizeDim } from '../shape';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { div } from './div';
import { amax } from './extrema';
import { exp, log } from './math';
import { sub } from './sub';
import { sum } from './sum';

/* Softmax and its log along one dim, with the max subtracted first so large inputs do not overflow. */

/** exp(x) / Σ exp(x) along `dim`. */
export function softmax(x: Tensor, dim: number): Tensor {
  requireTensor('softmax', 'x', x);
  normalizeDim('softmax', dim, x.rank, x.shape);
  const xf = x.to(floatResult(x.dtype));
  if (x.size === 0) return xf;
  const e = exp(sub(xf, amax(xf, dim, { keepDim: true })));
  return div(e, sum(e, dim, { keepDim: true }));
}

/** x − log Σ exp(x) along `dim`: the log of softmax, without its underflow. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  requireTensor('logSoftmax', 'x', x);
  normalizeDim('logSoftmax', dim, x.rank, x.shape);
  const xf = x.to(floatResult(x.dtype));
  if (x.size === 0) return xf;
  const shifted = sub(xf, amax(xf, dim, { keepDim: true }));
  return sub(shifted, log(sum(exp(shifted), dim, { keepDim: true })));
}
