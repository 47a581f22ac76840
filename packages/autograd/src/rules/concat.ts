import { concat as concatOp, narrow, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Each input gets its own stretch of the gradient along the joined dim. */
export const concat: Rule<'concat'> = {
  forward: (xs, { dim }) => concatOp(xs as Tensor[], dim),
  backward: (g, { inputs, params: { dim }, needsGrad }) => {
    const d = dim < 0 ? dim + g.rank : dim;
    let start = 0;
    return inputs.map((x, i) => {
      const t = x as Tensor;
      if (t.rank === 1 && t.size === 0 && g.rank !== 1) return null; // skipped by concat, as in PyTorch
      const length = t.shape[d]!;
      const piece = needsGrad[i] ? narrow(g, d, start, length) : null;
      start += length;
      return piece;
    });
  },
};
