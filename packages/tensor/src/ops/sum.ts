import { isFloating } from '../dtype';
import type { Tensor } from '../Tensor';
import { type Dims, foldReduction, planReduction, type ReduceOptions, readKeepDim } from './reduction';

/** Sum over `dim` (all dims by default). int32 and bool sum to int32 (PyTorch: int64);
 * a sum that does not fit int32 is a ValueError (the int32 rule: use float64). */
export function sum(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  const plan = planReduction('sum', x, dim, readKeepDim('sum', options));
  return foldReduction('sum', plan, isFloating(x.dtype) ? x.dtype : 'int32', 0, (acc, v) => acc + v, 'sum');
}
