import { getKernel, KERNELS } from '../backend/registry';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/** Elementwise minimum, with broadcasting; NaN propagates, as in PyTorch. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('minimum', a, b, Math.min, 'promote', getKernel(KERNELS.minimum));
}
