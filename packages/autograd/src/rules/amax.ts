import { amax as amaxOp, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { shareAmongExtremes } from '../shareAmongExtremes';

/** The gradient is shared evenly among the tied maxima, as `torch.amax` and full `torch.max()`. */
export const amax: Rule<'amax'> = {
  forward: ([x], { dim, keepDim }) => amaxOp(x as Tensor, dim, { keepDim }),
  backward: (g, { inputs: [x], output, params }) => [shareAmongExtremes(g, x as Tensor, output, params)],
};
