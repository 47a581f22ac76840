import { allocate } from '../dtype';
import { formatShape, IndexError, ValueError } from '../errors';
import { stridedCopyKernel } from '../kernels/permute';
import { normalizeDim, stridesOf } from '../shape';
import { Tensor } from '../Tensor';
import { reshape } from './reshape';

/**
 * Elements start, start+step, … (before end) along `dim`, like Python's `x[start:end:step]` on
 * that dim: negative start/end count from the end and out-of-range bounds are clamped.
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normalizeDim('slice', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('slice: cannot slice a 0-d tensor');
  if (!Number.isInteger(step) || step <= 0) {
    throw new ValueError(`slice: step must be a positive integer, got ${step}`);
  }
  if (!Number.isInteger(start) || (end !== undefined && end !== null && !Number.isInteger(end))) {
    throw new IndexError(`slice: start and end must be integers, got start=${start}, end=${end}`);
  }
  const size = x.shape[d]!;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const from = clampIndex(start);
  const to = end === undefined || end === null ? size : clampIndex(end);
  const length = Math.max(0, Math.ceil((to - from) / step));
  return view(x, d, from, length, step);
}

/** `length` elements from `start` along `dim`; unlike slice, out-of-range bounds are errors. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('narrow: cannot narrow a 0-d tensor');
  const size = x.shape[d]!;
  const from = start < 0 ? start + size : start;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(length) ||
    length < 0 ||
    from < 0 ||
    from + length > size
  ) {
    throw new IndexError(
      `narrow: start ${start} and length ${length} do not fit dim ${dim} of x.shape=${formatShape(x.shape)} (size ${size})`,
    );
  }
  return view(x, d, from, length, 1);
}

/** The slice at `index` along `dim`, with that dim removed (`x[:, index]` for dim 1). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim('select', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('select: cannot select from a 0-d tensor');
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(
      `select: index ${index} is out of bounds for dim ${dim} of x.shape=${formatShape(x.shape)} (size ${size})`,
    );
  }
  const picked = view(x, d, index < 0 ? index + size : index, 1, 1);
  return reshape(
    picked,
    x.shape.filter((_, i) => i !== d),
  );
}

/** Copies the elements from, from+step, … (`length` of them) along dim d. */
function view(x: Tensor, d: number, from: number, length: number, step: number): Tensor {
  const strides = stridesOf(x.shape);
  const shape = [...x.shape];
  shape[d] = length;
  const viewStrides = [...strides];
  viewStrides[d] = strides[d]! * step;
  const out = allocate(
    x.dtype,
    shape.reduce((a, b) => a * b, 1),
  );
  stridedCopyKernel(x.data, from * strides[d]!, shape, viewStrides, out);
  return new Tensor(out, shape, x.dtype);
}
