import type { Tensor } from '@mtl/tensor';
import { sum as sumOp } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { spreadReduced } from '../reducedGrad';

/** Every summed element gets the gradient of its sum. */
export const sum: Rule<'sum'> = {
  forward: ([x], { dim, keepDim }) => sumOp(x as Tensor, dim, { keepDim }),
  backward: (g, { inputs: [x], params: { dim, keepDim } }) => [
    spreadReduced(g, (x as Tensor).shape, dim, keepDim),
  ],
};
