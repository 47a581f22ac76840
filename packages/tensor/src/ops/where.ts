import { allocate } from '../dtype';
import { broadcastShapes, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { commonDType, type TensorLike } from './binary';
import { broadcastTo } from './expand';
import { asTensor } from './unary';

/**
 * Picks a where `cond` is true (nonzero) and b elsewhere; all three broadcast together, and the
 * result has a and b's common dtype.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = asTensor('where', cond);
  const at = asTensor('where', a);
  const bt = asTensor('where', b);
  const dtype = commonDType(a, b);
  const shape = broadcastShapes('where', c.shape, at.shape, bt.shape);
  const cd = broadcastTo(c, shape).data;
  const ad = broadcastTo(at, shape).data;
  const bd = broadcastTo(bt, shape).data;
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = cd[i] ? ad[i]! : bd[i]!;
  return new Tensor(out, shape, dtype);
}
