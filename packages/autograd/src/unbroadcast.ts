import { reshape, sameShape, sum, type Tensor } from '@mtl/tensor';

/**
 * Sums a gradient back to `shape` after broadcasting: over the leading dims the input did not
 * have and over the dims where it had size 1. The one place broadcasting is undone.
 */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) dims.push(i);
  }
  return reshape(dims.length > 0 ? sum(grad, dims, { keepDim: true }) : grad, shape);
}
