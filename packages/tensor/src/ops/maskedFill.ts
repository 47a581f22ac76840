import { formatShape, ShapeError } from '../errors';
import { requireInt32Value } from '../int32';
import { broadcastShapes, sameShape } from '../shape';
import type { Tensor } from '../Tensor';
import { requireBoolTensor, requireScalar, requireTensor } from '../validate';
import type { TensorLike } from './binary';
import { broadcastTo } from './expand';
import { asTensor } from './unary';

/**
 * A copy of x with `value` written where `mask` (a bool tensor, broadcast to x's shape) is true.
 * As in PyTorch, a float mask is refused (compare first: `x.gt(0)`), not thresholded.
 */
export function maskedFill(x: Tensor, mask: TensorLike, value: number | boolean): Tensor {
  requireTensor('maskedFill', 'x', x);
  const m = requireBoolTensor('maskedFill', 'mask', asTensor('maskedFill', mask, 'mask'));
  let v = requireScalar('maskedFill', 'value', value);
  if (x.dtype === 'int32') requireInt32Value('maskedFill', 'value', v);
  if (x.dtype === 'bool') v = v !== 0 ? 1 : 0;
  const shape = broadcastShapes('maskedFill', x.shape, m.shape);
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(
      `maskedFill: mask.shape=${formatShape(m.shape)} must broadcast to x.shape=${formatShape(x.shape)} without growing it`,
    );
  }
  const md = broadcastTo(m, x.shape).data;
  const out = x.clone();
  for (let i = 0; i < md.length; i++) if (md[i]) out.data[i] = v;
  return out;
}
