import { expand as expandOp, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Broadcasting copies; the engine sums the gradient back over the copies. */
export const expand: Rule<'expand'> = {
  forward: ([x], { shape }) => expandOp(x as Tensor, shape),
  backward: (g) => [g],
};
