import { slice as sliceOp, sliceScatter, type Tensor, zerosLike } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient lands in the sliced positions of a zero tensor of the input's shape. */
export const slice: Rule<'slice'> = {
  forward: ([x], { dim, start, end, step }) => sliceOp(x as Tensor, dim, start, end, step),
  backward: (g, { inputs: [x], params: { dim, start, end, step } }) => [
    sliceScatter(zerosLike(x as Tensor, { dtype: g.dtype }), g, dim, start, end, step),
  ],
};
