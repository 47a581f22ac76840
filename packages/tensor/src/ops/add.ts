import { getKernel, KERNELS } from '../backend/registry';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/** Elementwise a + b, with broadcasting and PyTorch's type promotion. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('add', a, b, (x, y) => x + y, 'promote', getKernel(KERNELS.add));
}
