import type { Tensor } from '../Tensor';
import { type TensorLike, binaryOp } from './binary';

/** Elementwise minimum, with broadcasting; NaN propagates, as in PyTorch. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('minimum', a, b, (x, y) => (x !== x || y !== y ? Number.NaN : x < y ? x : y));
}
