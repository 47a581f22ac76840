import { formatShape, formatValue, ShapeError } from '../errors';
import { normalizeDim, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { MAX_RANK, requireShape, requireTensor } from '../validate';

/**
 * x with a new shape of the same size; one dim may be -1 (inferred). The result shares x's data,
 * like a PyTorch view of a contiguous tensor.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', 'x', x);
  if (!Array.isArray(shape) || shape.length > MAX_RANK) requireShape('reshape', 'shape', shape);
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (inferred >= 0) throw new ShapeError(`reshape: only one dim may be -1, got ${formatShape(shape)}`);
      inferred = i;
    } else if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `reshape: invalid dim ${formatValue(d)} in ${formatShape(shape)} (dims are non-negative integers or -1)`,
      );
    } else known *= d;
  }
  const out = [...shape];
  if (inferred >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: shape ${formatShape(shape)} is invalid for x.shape=${formatShape(x.shape)} of size ${x.size} ` +
          `(${x.size} is not divisible by ${known})`,
      );
    }
    out[inferred] = x.size / known;
  } else if (known !== x.size) {
    throw new ShapeError(
      `reshape: shape ${formatShape(shape)} (size ${known}) is invalid for x.shape=${formatShape(x.shape)} (size ${x.size})`,
    );
  }
  return new Tensor(x.data, out, x.dtype);
}

/** Merges dims startDim..endDim into one (all dims by default), as `torch.flatten`. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  requireTensor('flatten', 'x', x);
  const start = normalizeDim('flatten', startDim, x.rank, x.shape, 'startDim');
  const end = normalizeDim('flatten', endDim, x.rank, x.shape, 'endDim');
  if (x.rank === 0) return reshape(x, [1]);
  if (start > end) {
    throw new ShapeError(
      `flatten: startDim ${startDim} comes after endDim ${endDim} for x.shape=${formatShape(x.shape)}`,
    );
  }
  const merged = sizeOf(x.shape.slice(start, end + 1));
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}
