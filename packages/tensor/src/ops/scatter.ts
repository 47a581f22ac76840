import { promoteTypes } from '../dtype';
import { DTypeError, formatShape, formatValue, IndexError, ShapeError } from '../errors';
import { requireInt32Value } from '../int32';
import { normalizeDim, sizeOf, stridesOf } from '../shape';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { sliceBounds } from './slice';

/*
 * The adjoints of gather, indexSelect and slice: they write (adding, where indices repeat) into
 * a copy of x. Autograd's backward rules use them; they are PyTorch ops in their own right.
 */

/**
 * A copy of x with src added at the positions `index` names along `dim`, as
 * `torch.scatter_add`: for dim 1, out[i][index[i][j]] += src[i][j]. index and src share a shape.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  requireTensor('scatterAdd', 'x', x);
  checkIndex('scatterAdd', index);
  requireTensor('scatterAdd', 'src', src);
  const d = normalizeDim('scatterAdd', dim, x.rank, x.shape);
  const rank = Math.max(x.rank, 1);
  const xShape = x.rank === 0 ? [1] : x.shape;
  const iShape = index.rank === 0 ? [1] : index.shape;
  if (
    index.rank !== x.rank ||
    src.rank !== index.rank ||
    src.shape.some((s, i) => s !== index.shape[i]) ||
    iShape.some((s, i) => i !== d && s > xShape[i]!)
  ) {
    throw new ShapeError(
      `scatterAdd: index.shape=${formatShape(index.shape)} and src.shape=${formatShape(src.shape)} must match ` +
        `and fit inside x.shape=${formatShape(x.shape)} on every dim but ${dim}`,
    );
  }
  const out = x.to(promoteTypes(x.dtype, src.dtype)).clone();
  const exact = out.dtype === 'int32';
  const strides = stridesOf(xShape);
  const size = xShape[d]!;
  const counter = new Array<number>(rank).fill(0);
  for (let n = 0; n < index.size; n++) {
    const target = index.data[n]!;
    if (target < -size || target >= size) {
      throw new IndexError(
        `scatterAdd: index ${target} is out of bounds for dim ${dim} of x.shape=${formatShape(x.shape)}`,
      );
    }
    let offset = 0;
    for (let k = 0; k < rank; k++)
      offset += (k === d ? (target < 0 ? target + size : target) : counter[k]!) * strides[k]!;
    out.data[offset] = exact
      ? int32Sum('scatterAdd', out.data[offset]!, src.data[n]!)
      : out.data[offset]! + src.data[n]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++counter[k]! < iShape[k]!) break;
      counter[k] = 0;
    }
  }
  return out;
}

/**
 * A copy of x with the slices of `source` added at positions `index` (1-d int32) along `dim`, as
 * `torch.index_add`: out.select(dim, index[j]) += source.select(dim, j).
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  requireTensor('indexAdd', 'x', x);
  checkIndex('indexAdd', index);
  requireTensor('indexAdd', 'source', source);
  const d = normalizeDim('indexAdd', dim, x.rank, x.shape);
  const xShape = x.rank === 0 ? [1] : x.shape;
  const sShape = source.rank === 0 ? [1] : source.shape;
  const count = index.size;
  if (
    index.rank > 1 ||
    sShape.length !== xShape.length ||
    sShape.some((s, i) => s !== (i === d ? count : xShape[i]))
  ) {
    throw new ShapeError(
      `indexAdd: source.shape=${formatShape(source.shape)} must be x.shape=${formatShape(x.shape)} with dim ${dim} ` +
        `of size ${count} (the length of the 1-d index)`,
    );
  }
  const out = x.to(promoteTypes(x.dtype, source.dtype)).clone();
  const exact = out.dtype === 'int32';
  const size = xShape[d]!;
  const outer = sizeOf(xShape.slice(0, d));
  const inner = sizeOf(xShape.slice(d + 1));
  for (let j = 0; j < count; j++) {
    const i = index.data[j]!;
    if (i < -size || i >= size) {
      throw new IndexError(
        `indexAdd: index ${i} is out of bounds for dim ${dim} of x.shape=${formatShape(x.shape)}`,
      );
    }
    const target = i < 0 ? i + size : i;
    for (let o = 0; o < outer; o++) {
      const to = (o * size + target) * inner;
      const from = (o * count + j) * inner;
      const od = out.data;
      const sd = source.data;
      if (exact)
        for (let k = 0; k < inner; k++) od[to + k] = int32Sum('indexAdd', od[to + k]!, sd[from + k]!);
      else for (let k = 0; k < inner; k++) od[to + k]! += sd[from + k]!;
    }
  }
  return out;
}

/**
 * A copy of x with `src` written over the slice `start:end:step` of `dim`, as
 * `torch.slice_scatter`; src must have that slice's shape.
 */
export function sliceScatter(x: Tensor, src: Tensor, dim = 0, start = 0, end?: number, step = 1): Tensor {
  requireTensor('sliceScatter', 'src', src);
  const { d, from: first, length } = sliceBounds('sliceScatter', x, dim, start, end, step);
  const viewShape = [...x.shape];
  viewShape[d] = length;
  if (src.rank !== viewShape.length || src.shape.some((s, i) => s !== viewShape[i])) {
    throw new ShapeError(
      `sliceScatter: src.shape=${formatShape(src.shape)} must match the slice's shape ${formatShape(viewShape)} ` +
        `of x.shape=${formatShape(x.shape)}`,
    );
  }
  const dtype = promoteTypes(x.dtype, src.dtype);
  const out = x.dtype === dtype ? x.clone() : x.to(dtype);
  const size = x.shape[d]!;
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const od = out.data;
  const sd = dtype === src.dtype ? src.data : src.to(dtype).data;
  for (let o = 0, k = 0; o < outer; o++) {
    for (let j = 0; j < length; j++) {
      const to = (o * size + first + j * step) * inner;
      if (inner >= 32) {
        od.set(sd.subarray(k, k + inner) as never, to);
        k += inner;
      } else {
        for (let i = 0; i < inner; i++) od[to + i] = sd[k++]!;
      }
    }
  }
  return out;
}

function checkIndex(op: string, index: Tensor): void {
  if (!(index instanceof Tensor) || index.dtype !== 'int32') {
    const got = index instanceof Tensor ? `dtype ${index.dtype}` : formatValue(index);
    throw new DTypeError(
      `${op}: index must be an int32 Tensor — got ${got} (create it with { dtype: 'int32' })`,
    );
  }
}

/** a + b for an int32 result, which must fit (the int32 rule). */
function int32Sum(op: string, a: number, b: number): number {
  return requireInt32Value(op, 'a sum', a + b);
}
