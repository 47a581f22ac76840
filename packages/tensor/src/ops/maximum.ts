import type { Tensor } from '../Tensor';
import { type TensorLike, binaryOp } from './binary';

/** Elementwise maximum, with broadcasting; NaN propagates, as in PyTorch. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('maximum', a, b, (x, y) => (x !== x || y !== y ? Number.NaN : x > y ? x : y));
}
