import { isFloating } from '../dtype';
import type { Tensor } from '../Tensor';
import { type Dims, foldReduction, planReduction, type ReduceOptions, readKeepDim } from './reduction';

/** Product over `dim` (all dims by default); int32 and bool multiply to int32,
 * and a product that does not fit int32 is a ValueError (the int32 rule: use float64). */
export function prod(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  const plan = planReduction('prod', x, dim, readKeepDim('prod', options));
  return foldReduction('prod', plan, isFloating(x.dtype) ? x.dtype : 'int32', 1, (acc, v) => acc * v);
}
