import { checkInteger } from '../checks';
import { allocate } from '../dtype';
import { DTypeError, formatShape, formatValue, IndexError, ShapeError, ValueError } from '../errors';
import { normalizeDim, sizeOf, stridesOf } from '../shape';
import { Tensor } from '../Tensor';
import { allocateChecked, MAX_ELEMENTS, requireTensor } from '../validate';

/**
 * Picks values along `dim` by `index` (int32, same rank as x): for dim 1,
 * out[i][j][k] = x[i][index[i][j][k]][k]. The output has index's shape.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  requireTensor('gather', 'x', x);
  checkIndexTensor('gather', index);
  const d = normalizeDim('gather', dim, x.rank, x.shape);
  const rank = Math.max(x.rank, 1);
  const xShape = x.rank === 0 ? [1] : x.shape;
  const iShape = index.rank === 0 ? [1] : index.shape;
  if (iShape.length !== rank || iShape.some((s, i) => i !== d && s > xShape[i]!)) {
    throw new ShapeError(
      `gather: index.shape=${formatShape(index.shape)} must have x's rank and fit inside ` +
        `x.shape=${formatShape(x.shape)} on every dim but ${dim}`,
    );
  }
  const xStrides = stridesOf(xShape);
  const size = xShape[d]!;
  const out = allocate(x.dtype, index.size);
  const counter = new Array<number>(rank).fill(0);
  for (let n = 0; n < index.size; n++) {
    let target = index.data[n]!;
    if (target < -size || target >= size) {
      throw new IndexError(
        `gather: index ${target} is out of bounds for dim ${dim} of x.shape=${formatShape(x.shape)} (size ${size})`,
      );
    }
    if (target < 0) target += size;
    let offset = 0;
    for (let k = 0; k < rank; k++) offset += (k === d ? target : counter[k]!) * xStrides[k]!;
    out[n] = x.data[offset]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++counter[k]! < iShape[k]!) break;
      counter[k] = 0;
    }
  }
  return new Tensor(out, [...index.shape], x.dtype);
}

/** The slices of x along `dim` at the positions in `index` (1-d int32), in that order. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  requireTensor('indexSelect', 'x', x);
  checkIndexTensor('indexSelect', index);
  if (index.rank > 1) {
    throw new ShapeError(
      `indexSelect: index must be 1-d (or 0-d), got index.shape=${formatShape(index.shape)}`,
    );
  }
  const d = normalizeDim('indexSelect', dim, x.rank, x.shape);
  const xShape = x.rank === 0 ? [1] : x.shape;
  const size = xShape[d]!;
  const outer = sizeOf(xShape.slice(0, d));
  const inner = sizeOf(xShape.slice(d + 1));
  const count = index.size;
  const out = allocateChecked('indexSelect', x.dtype, [outer, count, inner]);
  for (let j = 0; j < count; j++) {
    const i = index.data[j]!;
    if (i < -size || i >= size) {
      throw new IndexError(
        `indexSelect: index ${i} is out of bounds for dim ${dim} of x.shape=${formatShape(x.shape)} (size ${size})`,
      );
    }
    const src = i < 0 ? i + size : i;
    for (let o = 0; o < outer; o++) {
      const from = (o * size + src) * inner;
      out.set(x.data.subarray(from, from + inner) as never, (o * count + j) * inner);
    }
  }
  const shape = x.rank === 0 ? [] : [...x.shape];
  if (x.rank > 0) shape[d] = count;
  return new Tensor(out, shape, x.dtype);
}

/**
 * One-hot encoding of int32 class indices: shape [...indices.shape, numClasses], int32 (PyTorch
 * gives int64, which we do not have). numClasses = -1 takes max(indices) + 1.
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkIndexTensor('oneHot', indices);
  checkInteger('oneHot', 'numClasses', numClasses, { min: -1, max: MAX_ELEMENTS }, IndexError);
  let classes = numClasses;
  if (classes === -1) {
    if (indices.size === 0)
      throw new ValueError('oneHot: cannot infer numClasses from an empty tensor; pass it');
    classes = 0;
    for (const c of indices.data) classes = Math.max(classes, c + 1);
  }
  if (!Number.isInteger(classes) || classes < 0) {
    throw new IndexError(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
  }
  const out = allocateChecked('oneHot', 'int32', [...indices.shape, classes]);
  for (let i = 0; i < indices.size; i++) {
    const c = indices.data[i]!;
    if (c < 0 || c >= classes) {
      throw new IndexError(
        `oneHot: class index ${c} is out of range [0, ${classes - 1}] (numClasses = ${classes})`,
      );
    }
    out[i * classes + c] = 1;
  }
  return new Tensor(out, [...indices.shape, classes], 'int32');
}

function checkIndexTensor(op: string, index: Tensor): void {
  if (!(index instanceof Tensor) || index.dtype !== 'int32') {
    const got = index instanceof Tensor ? `dtype ${index.dtype}` : formatValue(index);
    throw new DTypeError(
      `${op}: index must be an int32 Tensor, got ${got} (create it with { dtype: 'int32' })`,
    );
  }
}
