import { amin as aminOp, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { shareAmongExtremes } from '../shareAmongExtremes';

/** The gradient is shared evenly among the tied minima, as `torch.amin` and full `torch.min()`. */
export const amin: Rule<'amin'> = {
  forward: ([x], { dim, keepDim }) => aminOp(x as Tensor, dim, { keepDim }),
  backward: (g, { inputs: [x], output, params }) => [shareAmongExtremes(g, x as Tensor, output, params)],
};
