import { formatShape, ShapeError, ValueError } from '../errors';
import { normalizeDim } from '../shape';
import type { Tensor } from '../Tensor';
import { narrow } from './slice';

/**
 * Splits x along `dim` into pieces of `splitSize` (the last may be smaller), or into pieces of
 * the given sizes, as `torch.split`.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.rank, x.shape);
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const step = splitSizeOrSections;
    if (!Number.isInteger(step) || step < 0 || (step === 0 && size !== 0)) {
      throw new ValueError(`split: splitSize must be a positive integer, got ${step}`);
    }
    sizes = [];
    for (let start = 0; start < size; start += step) sizes.push(Math.min(step, size - start));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...splitSizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== size) {
      throw new ShapeError(
        `split: sizes ${JSON.stringify(sizes)} must be non-negative integers summing to ${size}, ` +
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
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  }
  const d = normalizeDim('chunk', dim, x.rank, x.shape);
  const size = x.shape[d]!;
  return split(x, Math.max(1, Math.ceil(size / chunks)), d);
}
