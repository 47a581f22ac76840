import { checkInteger } from '../checks';
import { formatShape, formatValue, IndexError, ShapeError } from '../errors';
import { normalizeDim } from '../shape';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { narrow } from './slice';

/**
 * Splits x along `dim` into pieces of `splitSize` (the last may be smaller), or into pieces of
 * the given sizes, as `torch.split`.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  requireTensor('split', 'x', x);
  const d = normalizeDim('split', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('split: cannot split a 0-d tensor');
  const size = x.shape[d]!;
  let sizes: number[];
  if (!Array.isArray(splitSizeOrSections)) {
    const step = checkInteger('split', 'splitSize', splitSizeOrSections, { min: size === 0 ? 0 : 1 });
    sizes = [];
    for (let start = 0; start < size; start += step) sizes.push(Math.min(step, size - start));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...splitSizeOrSections];
    if (sizes.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < 0)) {
      throw new ShapeError(`split: sizes must be non-negative integers — got ${formatValue(sizes)}`);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new ShapeError(
        `split: sizes ${formatValue(sizes)} must be non-negative integers summing to ${size}, ` +
          `the size of dim ${dim} of x.shape=${formatShape(x.shape)} (they sum to ${total})`,
      );
    }
  }
  const pieces: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    pieces.push(narrow(x, d, start, s));
    start += s;
  }
  return pieces;
}

/**
 * Splits x into `chunks` pieces of ceil(size / chunks) along `dim` (fewer if the size runs out),
 * as `torch.chunk`.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  requireTensor('chunk', 'x', x);
  checkInteger('chunk', 'chunks', chunks, { min: 1 });
  const d = normalizeDim('chunk', dim, x.rank, x.shape);
  if (x.rank === 0) throw new IndexError('chunk: cannot chunk a 0-d tensor');
  const size = x.shape[d]!;
  return split(x, Math.max(1, Math.ceil(size / chunks)), d);
}
