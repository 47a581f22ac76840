import { maxPool1d, maxPool1dBackward, maxPool2d, maxPool2dBackward, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * Max pooling: the forward keeps where each maximum was (`params.indices`, also what
 * `returnIndices` hands out), and the backward adds each gradient there.
 */
export const maxPool: Rule<'maxPool'> = {
  forward: ([x], params) => {
    const pool = params.dims === 1 ? maxPool1d : maxPool2d;
    const [values, indices] = pool(x as Tensor, { ...params.options, returnIndices: true });
    params.indices = indices;
    return values;
  },
  backward: (g, { inputs: [x], params: { dims, indices } }) => [
    (dims === 1 ? maxPool1dBackward : maxPool2dBackward)(g, x as Tensor, indices!),
  ],
};
