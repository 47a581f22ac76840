import { ValueError } from '../errors';
import type { Tensor } from '../Tensor';
import { binaryOp, checkOperand, type TensorLike } from './binary';
import { asTensor } from './unary';

/**
 * Limits x to [min, max]; either bound may be omitted (null/undefined) and may be a tensor that
 * broadcasts with x. As in PyTorch, NaN stays NaN and min > max gives max everywhere.
 */
export function clamp(x: TensorLike, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) {
    throw new ValueError(
      'clamp: give at least one of min and max (clamp(x, min, max), null to leave a side open)',
    );
  }
  let out = asTensor('clamp', x);
  if (hasMin) checkOperand('clamp', 'min', min);
  if (hasMax) checkOperand('clamp', 'max', max);
  if (hasMin) out = binaryOp('clamp', out, min, Math.max);
  if (hasMax) out = binaryOp('clamp', out, max, Math.min);
  return out;
}
