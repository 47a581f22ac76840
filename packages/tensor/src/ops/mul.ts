import { getKernel, KERNELS } from '../backend/registry';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/** Elementwise a · b, with broadcasting. On bools it is logical and. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('mul', a, b, (x, y) => x * y, 'promote', getKernel(KERNELS.mul));
}
