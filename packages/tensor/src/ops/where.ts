import { allocate } from '../dtype';
import { requireInt32Value } from '../int32';
import { broadcastShapes, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { requireBoolTensor } from '../validate';
import { commonDType, type TensorLike } from './binary';
import { broadcastTo } from './expand';
import { asTensor } from './unary';

/**
 * Picks a where `cond` (a bool tensor) is true and b elsewhere; all three broadcast together, and
 * the result has a and b's common dtype. As in PyTorch, a float condition is refused.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = requireBoolTensor('where', 'cond', asTensor('where', cond, 'cond'));
  const at = operand(a, 'a');
  const bt = operand(b, 'b');
  const dtype = commonDType(a, b);
  if (dtype === 'int32') {
    // A number operand is the only thing that can fail to fit an int32 result.
    if (typeof a === 'number') requireInt32Value('where', 'a', a);
    if (typeof b === 'number') requireInt32Value('where', 'b', b);
  }
  const shape = broadcastShapes('where', c.shape, at.shape, bt.shape);
  const cd = broadcastTo(c, shape).data;
  const ad = broadcastTo(at, shape).data;
  const bd = broadcastTo(bt, shape).data;
  const out = allocate(dtype, sizeOf(shape));
  if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = (cd[i] ? ad[i]! : bd[i]!) !== 0 ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = cd[i] ? ad[i]! : bd[i]!;
  return new Tensor(out, shape, dtype);
}

/** A tensor operand as it is; a number as a float64 0-d tensor, so 0.1 is not first rounded to float32. */
function operand(x: TensorLike, name: string): Tensor {
  return typeof x === 'number' ? new Tensor(Float64Array.of(x), [], 'float64') : asTensor('where', x, name);
}
