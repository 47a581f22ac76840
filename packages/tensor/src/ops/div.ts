import { getKernel, KERNELS } from '../backend/registry';
import type { Tensor } from '../Tensor';
import { binaryOp, type TensorLike } from './binary';

/** True division a / b, with broadcasting: integer inputs give float32 (as `torch.div`). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('div', a, b, (x, y) => x / y, 'float', getKernel(KERNELS.div));
}
