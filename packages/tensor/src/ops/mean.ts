import { assertDType } from '../dtype';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { div } from './div';
import { type Dims, planReduction, type ReduceOptions, readKeepDim } from './reduction';
import { sum } from './sum';

/** Mean over `dim` (all dims by default). Floats only, as in PyTorch; the mean of nothing is NaN. */
export function mean(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  const keepDim = readKeepDim('mean', options);
  requireTensor('mean', 'x', x);
  assertDType('mean', 'x', x.dtype, ['float32', 'float64'], "cast first: x.to('float32')");
  const { lanes } = planReduction('mean', x, dim, keepDim);
  return div(sum(x, dim, { keepDim }), lanes.length);
}
