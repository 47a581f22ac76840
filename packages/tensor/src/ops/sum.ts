import { isFloating } from '../dtype';
import type { Tensor } from '../Tensor';
import { type Dims, foldReduction, planReduction, type ReduceOptions } from './reduction';

/** Sum over `dim` (all dims by default). int32 and bool sum to int32 (PyTorch: int64). */
export function sum(x: Tensor, dim?: Dims, { keepDim = false }: ReduceOptions = {}): Tensor {
  const plan = planReduction('sum', x, dim, keepDim);
  return foldReduction(plan, isFloating(x.dtype) ? x.dtype : 'int32', 0, (acc, v) => acc + v, 'sum');
}
