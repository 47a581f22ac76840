import { checkInteger } from '../checks';
import { allocate } from '../dtype';
import { formatShape, IndexError } from '../errors';
import { normalizeDim } from '../shape';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { reshape } from './reshape';

/**
 * Elements start, start+step, … (before end) along `dim`, like Python's `x[start:end:step]` on
 * that dim: negative start/end count from the end and out-of-range bounds are clamped.
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const { d, from, length } = sliceBounds('slice', x, dim, start, end, step);
  return view(x, d, from, length, step);
}

/** slice's checked dim, first index and count (for slice and sliceScatter). */
export function sliceBounds(
  op: string,
  x: Tensor,
  dim: number,
  start: number,
  end: number | undefined,
  step: number,
): { d: number; from: number; length: number } {
  requireTensor(op, 'x', x);
  const d = normalizeDim(op, dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError(`${op}: cannot slice a 0-d tensor`);
  checkInteger(op, 'step', step, { min: 1 });
  checkInteger(op, 'start', start, {}, IndexError);
  if (end !== undefined && end !== null) checkInteger(op, 'end', end, {}, IndexError);
  const size = x.shape[d]!;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const from = clampIndex(start);
  const to = end === undefined || end === null ? size : clampIndex(end);
  const length = Math.max(0, Math.ceil((to - from) / step));
  return { d, from, length };
}

/** `length` elements from `start` along `dim`; unlike slice, out-of-range bounds are errors. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  requireTensor('narrow', 'x', x);
  const d = normalizeDim('narrow', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('narrow: cannot narrow a 0-d tensor');
  checkInteger('narrow', 'start', start, {}, IndexError);
  checkInteger('narrow', 'length', length, { min: 0 }, IndexError);
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
  requireTensor('select', 'x', x);
  const d = normalizeDim('select', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('select: cannot select from a 0-d tensor');
  const size = x.shape[d]!;
  checkInteger('select', 'index', index, {}, IndexError);
  if (index < -size || index >= size) {
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
  const shape = [...x.shape];
  const size = shape[d]!;
  shape[d] = length;
  let outer = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  let inner = 1;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i]!;
  const out = allocate(x.dtype, outer * length * inner);
  if (out.length > 0) {
    // With step 1 each outer index copies one contiguous block; otherwise `length` blocks of `inner`.
    const block = step === 1 ? length * inner : inner;
    const blocks = step === 1 ? 1 : length;
    copyBlocks(x.data, out, outer, blocks, block, size * inner, step * inner, from * inner);
  }
  return new Tensor(out, shape, x.dtype);
}

/**
 * out ← x, for `outer` × `blocks` blocks of `block` elements: block (o, j) starts at
 * o·outerStride + j·blockStride + offset in x and follows the previous one in out. Short blocks
 * are copied element by element (a subarray per block would cost more than the copy).
 */
function copyBlocks(
  x: Tensor['data'],
  out: Tensor['data'],
  outer: number,
  blocks: number,
  block: number,
  outerStride: number,
  blockStride: number,
  offset: number,
): void {
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (let j = 0; j < blocks; j++) {
      const start = i * outerStride + j * blockStride + offset;
      if (block >= 32) {
        out.set(x.subarray(start, start + block) as never, o);
        o += block;
      } else {
        for (let k = 0; k < block; k++) out[o++] = x[start + k]!;
      }
    }
  }
}
