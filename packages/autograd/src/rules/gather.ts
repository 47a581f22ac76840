import { gather as gatherOp, scatterAdd, type Tensor, zerosLike } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Gathered values send their gradient back to where they came from, adding up repeats. */
export const gather: Rule<'gather'> = {
  forward: ([x], { dim, index }) => gatherOp(x as Tensor, dim, index),
  backward: (g, { inputs: [x], params: { dim, index } }) => [
    scatterAdd(zerosLike(x as Tensor, { dtype: g.dtype }), dim, index, g),
  ],
};
