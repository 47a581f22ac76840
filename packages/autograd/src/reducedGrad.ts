import { broadcastTo, reshape, type Tensor } from '@mtl/tensor';

/**
 * Spreads the gradient of a reduction back over the input: reinserts the reduced dims as size 1
 * (when keepDim was false), then broadcasts to the input's shape.
 */
export function spreadReduced(
  grad: Tensor,
  inputShape: readonly number[],
  dim: number | readonly number[] | undefined | null,
  keepDim: boolean,
): Tensor {
  return broadcastTo(keepDim ? grad : reshape(grad, keptShape(inputShape, dim)), inputShape);
}

/** The input's shape with the reduced dims set to 1 (the shape of a keepDim result). */
export function keptShape(
  inputShape: readonly number[],
  dim: number | readonly number[] | undefined | null,
): number[] {
  const rank = inputShape.length;
  if (dim === undefined || dim === null) return inputShape.map(() => 1);
  const dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => (d < 0 ? d + Math.max(rank, 1) : d));
  return inputShape.map((s, i) => (dims.includes(i) ? 1 : s));
}
