import { getKernel, KERNELS } from '../backend/registry';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/** Elementwise maximum, with broadcasting; NaN propagates, as in PyTorch. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('maximum', a, b, Math.max, 'promote', getKernel(KERNELS.maximum));
}
