import { permute as permuteOp, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient is permuted back by the inverse permutation. */
export const permute: Rule<'permute'> = {
  forward: ([x], { dims }) => permuteOp(x as Tensor, dims),
  backward: (g, { params: { dims } }) => {
    const rank = dims.length;
    const inverse = new Array<number>(rank);
    dims.forEach((d, i) => {
      inverse[d < 0 ? d + rank : d] = i;
    });
    return [permuteOp(g, inverse)];
  },
};
