import { getKernel, KERNELS } from '../backend/registry';
import { DTypeError } from '../errors';
import type { Tensor } from '../Tensor';
import { binaryOp, commonDType, type TensorLike } from './binary';

/** Elementwise a − b, with broadcasting and PyTorch's type promotion. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (commonDType(a, b) === 'bool') {
    throw new DTypeError(
      "sub: subtracting bool tensors is not defined (use logicalXor-style logic, or cast with .to('int32'))",
    );
  }
  return binaryOp('sub', a, b, (x, y) => x - y, 'promote', getKernel(KERNELS.sub));
}
