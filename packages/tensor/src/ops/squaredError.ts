import { getKernel, KERNELS } from '../backend/registry';
import { checkChoice, checkOptions } from '../checks';
import { assertDType } from '../dtype';
import { DTypeError, formatShape, ShapeError } from '../errors';
import { sameShape } from '../shape';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';

export interface SquaredErrorOptions {
  /** 'mean' (default) or 'sum' of the squared differences. */
  reduction?: 'mean' | 'sum';
}

/**
 * mean((a − b)²) or sum((a − b)²) as one op, PyTorch's `mse_loss(a, b)` with reduction 'mean' or
 * 'sum': a and b of one shape and one float dtype; the result is a 0-d tensor of that dtype. The
 * same numbers as `mean(mul(sub(a, b), sub(a, b)))`, bit for bit, in one pass and one
 * allocation instead of four.
 */
export function squaredError(a: Tensor, b: Tensor, options: SquaredErrorOptions = {}): Tensor {
  requireTensor('squaredError', 'a', a);
  requireTensor('squaredError', 'b', b);
  const { reduction: r } = checkOptions('squaredError', options, ['reduction']);
  const reduction = checkChoice('squaredError', 'reduction', r, ['mean', 'sum'], 'mean');
  assertDType('squaredError', 'a', a.dtype, ['float32', 'float64'], "cast first: a.to('float32')");
  if (b.dtype !== a.dtype)
    throw new DTypeError(
      `squaredError: a and b must have one dtype — got ${a.dtype} and ${b.dtype} (cast one with .to('${a.dtype}'))`,
    );
  if (!sameShape(a.shape, b.shape))
    throw new ShapeError(
      `squaredError: a and b must have one shape — got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  const float32 = a.dtype === 'float32';
  const sum = getKernel(KERNELS.squaredError)(
    a.data as Float32Array | Float64Array,
    b.data as Float32Array | Float64Array,
    float32,
  );
  // As sum() then div(): the sum is stored in the dtype, then divided (for float32, rounded twice).
  const total = float32 ? Math.fround(sum) : sum;
  const value = reduction === 'sum' ? total : total / a.size;
  return new Tensor(float32 ? Float32Array.of(value) : Float64Array.of(value), [], a.dtype);
}
