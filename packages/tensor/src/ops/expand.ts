import { allocate } from '../dtype';
import { formatShape, ShapeError } from '../errors';
import { binaryKernel, copyLoop } from '../kernels/elementwise';
import { checkShape, sameShape, sizeOf } from '../shape';
import { Tensor } from '../Tensor';

/**
 * x repeated along its size-1 dims (and new leading dims) to `shape`; `-1` keeps a dim's size.
 * Unlike PyTorch's zero-copy view, this materialises the result: our tensors are contiguous.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (!Array.isArray(shape)) throw new ShapeError(`expand: shape must be an array, got ${String(shape)}`);
  const offset = shape.length - x.rank;
  if (offset < 0) {
    throw new ShapeError(
      `expand: the target shape ${formatShape(shape)} has fewer dims than x.shape=${formatShape(x.shape)}`,
    );
  }
  const target = shape.map((d, i) => {
    const own = i >= offset ? x.shape[i - offset]! : undefined;
    if (d === -1) {
      if (own === undefined) {
        throw new ShapeError(
          `expand: -1 is not allowed for the new leading dim ${i} in ${formatShape(shape)}`,
        );
      }
      return own;
    }
    if (own !== undefined && own !== 1 && own !== d) {
      throw new ShapeError(
        `expand: x.shape=${formatShape(x.shape)} cannot be expanded to ${formatShape(shape)} ` +
          `(dim ${i} is ${own}, not 1, and differs from ${d})`,
      );
    }
    return d;
  });
  checkShape('expand', target);
  return materialise(x, target);
}

/** x broadcast to `shape` by the NumPy/PyTorch rule (a copy; see `expand`). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

function materialise(x: Tensor, shape: number[]): Tensor {
  if (sameShape(shape, x.shape)) return x;
  const out = allocate(x.dtype, sizeOf(shape));
  binaryKernel(x.data, x.shape, x.data, x.shape, out, shape, (v) => v, copyLoop);
  return new Tensor(out, shape, x.dtype);
}
