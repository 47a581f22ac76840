import { amax, amin, arange, argmax, argmin, eq, mul, reshape, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { spreadReduced } from '../reducedGrad';

/**
 * max/min along one dim, like `torch.max(x, dim)`: the gradient goes to the first extreme of
 * each lane (the index argmax returns), not shared among ties.
 */
export const maxDim: Rule<'maxDim'> = {
  forward: ([x], { dim, keepDim, largest }) => (largest ? amax : amin)(x as Tensor, dim, { keepDim }),
  backward: (g, { inputs: [input], params: { dim, keepDim, largest } }) => {
    const x = input as Tensor;
    const d = dim < 0 ? dim + Math.max(x.rank, 1) : dim;
    const winner = (largest ? argmax : argmin)(x, dim, { keepDim: true });
    const positions = reshape(
      arange(0, x.shape[d] ?? 1, 1, { dtype: 'int32' }),
      x.shape.map((s, i) => (i === d ? s : 1)),
    );
    return [mul(eq(positions, winner), spreadReduced(g, x.shape, dim, keepDim))];
  },
};
