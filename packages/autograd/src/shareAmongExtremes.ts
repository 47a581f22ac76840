import { div, eq, mul, sum, type Tensor } from '@mtl/tensor';
import { spreadReduced } from './reducedGrad';

/**
 * The backward of amax/amin: each element equal to its lane's extreme gets the gradient divided
 * by the number of such elements.
 */
export function shareAmongExtremes(
  grad: Tensor,
  x: Tensor,
  output: Tensor,
  { dim, keepDim }: { dim: number | number[] | undefined; keepDim: boolean },
): Tensor {
  const hit = eq(x, spreadReduced(output, x.shape, dim, keepDim)).to(grad.dtype);
  const count = sum(hit, dim, { keepDim: true });
  return mul(div(hit, count), spreadReduced(grad, x.shape, dim, keepDim));
}
