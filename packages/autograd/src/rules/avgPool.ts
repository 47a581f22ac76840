import { avgPool1d, avgPool1dBackward, avgPool2d, avgPool2dBackward, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Average pooling; the backward spreads each gradient evenly over its window. */
export const avgPool: Rule<'avgPool'> = {
  forward: ([x], { dims, options }) => (dims === 1 ? avgPool1d : avgPool2d)(x as Tensor, options),
  backward: (g, { inputs: [x], params: { dims, options } }) => [
    (dims === 1 ? avgPool1dBackward : avgPool2dBackward)(g, x as Tensor, options),
  ],
};
