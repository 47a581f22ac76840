import { interpolateBackward, interpolate as interpolateOp, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Resampling; the backward sends each gradient back to its sources with their weights. */
export const interpolate: Rule<'interpolate'> = {
  forward: ([x], { options }) => interpolateOp(x as Tensor, options),
  backward: (g, { inputs: [x], params: { options } }) => [interpolateBackward(g, x as Tensor, options)],
};
