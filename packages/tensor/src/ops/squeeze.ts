import { normalizeDim, normalizeDims } from '../shape';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { reshape } from './reshape';

/**
 * Removes size-1 dims: all of them, or only those in `dim` (a dim that is not size 1 is left
 * alone, as in PyTorch). Shares x's data.
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  requireTensor('squeeze', 'x', x);
  const dims = new Set(normalizeDims('squeeze', dim, x.shape));
  return reshape(
    x,
    x.shape.filter((d, i) => !(d === 1 && dims.has(i))),
  );
}

/** Inserts a size-1 dim at `dim` (which may be negative, counting from rank + 1). Shares x's data. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  requireTensor('unsqueeze', 'x', x);
  const d = normalizeDim('unsqueeze', dim, x.rank + 1, x.shape);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}
