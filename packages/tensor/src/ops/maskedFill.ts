import { formatShape, ShapeError } from '../errors';
import { broadcastShapes, sameShape } from '../shape';
import type { Tensor } from '../Tensor';
import type { TensorLike } from './binary';
import { broadcastTo } from './expand';
import { asTensor } from './unary';

/** A copy of x with `value` written where `mask` (broadcast to x's shape) is true. */
export function maskedFill(x: Tensor, mask: TensorLike, value: number | boolean): Tensor {
  const m = asTensor('maskedFill', mask);
  const shape = broadcastShapes('maskedFill', x.shape, m.shape);
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(
      `maskedFill: mask.shape=${formatShape(m.shape)} must broadcast to x.shape=${formatShape(x.shape)} without growing it`,
    );
  }
  const md = broadcastTo(m, x.shape).data;
  const out = x.clone();
  const v = Number(value);
  for (let i = 0; i < md.length; i++) if (md[i]) out.data[i] = v;
  return out;
}
