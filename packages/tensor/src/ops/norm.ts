import { floatResult } from '../dtype';
import { formatValue, ValueError } from '../errors';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { ne } from './comparison';
import { amax, amin } from './extrema';
import { abs, sqrt } from './math';
import { mul } from './mul';
import { pow } from './pow';
import { type Dims, planReduction, type ReduceOptions, readKeepDim } from './reduction';
import { sum } from './sum';

/** The order of a vector norm: a number, ±Infinity (or 'inf'/'-inf'), or 'fro' (= 2). */
export type NormOrder = number | 'inf' | '-inf' | 'fro';

/**
 * The vector p-norm over `dim` (all dims by default), as `torch.linalg.vector_norm`:
 * p = 2 (default) is √Σx², 1 is Σ|x|, ∞ is max|x|, −∞ is min|x|, 0 counts nonzeros, and other p
 * give (Σ|x|ᵖ)^(1/p).
 */
export function norm(x: Tensor, p: NormOrder = 2, dim?: Dims, options?: ReduceOptions): Tensor {
  requireTensor('norm', 'x', x);
  const keepDim = readKeepDim('norm', options);
  const order =
    p === 'fro' ? 2 : p === 'inf' ? Number.POSITIVE_INFINITY : p === '-inf' ? Number.NEGATIVE_INFINITY : p;
  if (typeof order !== 'number' || Number.isNaN(order)) {
    throw new ValueError(
      `norm: p must be a number, ±Infinity, 'inf', '-inf' or 'fro' — got ${formatValue(p)}`,
    );
  }
  const xf = x.to(floatResult(x.dtype));
  const reduce = { keepDim };
  planReduction('norm', xf, dim); // validates dim before any work
  if (order === 2) return sqrt(sum(mul(xf, xf), dim, reduce));
  if (order === 1) return sum(abs(xf), dim, reduce);
  if (order === Number.POSITIVE_INFINITY) return amax(abs(xf), dim, reduce);
  if (order === Number.NEGATIVE_INFINITY) return amin(abs(xf), dim, reduce);
  if (order === 0) return sum(ne(xf, 0).to(xf.dtype), dim, reduce);
  return pow(sum(pow(abs(xf), order), dim, reduce), 1 / order);
}
