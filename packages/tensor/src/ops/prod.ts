import { isFloating } from '../dtype';
import type { Tensor } from '../Tensor';
import { type Dims, foldReduction, planReduction, type ReduceOptions } from './reduction';

/** Product over `dim` (all dims by default); int32 and bool multiply to int32. */
export function prod(x: Tensor, dim?: Dims, { keepDim = false }: ReduceOptions = {}): Tensor {
  const plan = planReduction('prod', x, dim, keepDim);
  return foldReduction(plan, isFloating(x.dtype) ? x.dtype : 'int32', 1, (acc, v) => acc * v);
}
