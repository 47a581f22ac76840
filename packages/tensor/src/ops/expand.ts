import { getKernel, KERNELS } from '../backend/registry';
import { allocate } from '../dtype';
import { formatShape, formatValue, ShapeError } from '../errors';
import { sameShape, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { MAX_RANK, requireShape, requireTensor } from '../validate';

/**
 * x repeated along its size-1 dims (and new leading dims) to `shape`; `-1` keeps a dim's size.
 * Unlike PyTorch's zero-copy view, this materialises the result: our tensors are contiguous.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return expandTo('expand', x, shape);
}

/** x broadcast to `shape` by the NumPy/PyTorch rule (a copy; see `expand`). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expandTo('broadcastTo', x, shape);
}

function expandTo(op: string, x: Tensor, shape: readonly number[]): Tensor {
  requireTensor(op, 'x', x);
  if (!Array.isArray(shape) || shape.length > MAX_RANK) requireShape(op, 'shape', shape);
  const offset = shape.length - x.rank;
  if (offset < 0) {
    throw new ShapeError(
      `${op}: the target shape ${formatShape(shape)} has fewer dims than x.shape=${formatShape(x.shape)}`,
    );
  }
  const target = shape.map((d: unknown, i) => {
    const own = i >= offset ? x.shape[i - offset]! : undefined;
    if (d === -1) {
      if (own === undefined) {
        throw new ShapeError(
          `${op}: -1 is not allowed for the new leading dim ${i} in ${formatShape(shape)}`,
        );
      }
      return own;
    }
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape must hold non-negative integers or -1 — got ${formatShape(shape)} (entry ${i} is ${formatValue(d)})`,
      );
    }
    if (own !== undefined && own !== 1 && own !== d) {
      throw new ShapeError(
        `${op}: x.shape=${formatShape(x.shape)} cannot be expanded to ${formatShape(shape)} ` +
          `(dim ${i} is ${own}, not 1, and differs from ${d})`,
      );
    }
    return d;
  });
  return materialise(x, requireShape(op, 'shape', target));
}

function materialise(x: Tensor, shape: number[]): Tensor {
  if (sameShape(shape, x.shape)) return x;
  const out = allocate(x.dtype, sizeOf(shape));
  getKernel(KERNELS.binary)(x.data, x.shape, x.data, x.shape, out, shape, (v) => v, getKernel(KERNELS.copy));
  return new Tensor(out, shape, x.dtype);
}
