import { reshape as reshapeOp, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient takes the input's shape back. */
export const reshape: Rule<'reshape'> = {
  forward: ([x], { shape }) => reshapeOp(x as Tensor, shape),
  backward: (g, { inputs: [x] }) => [reshapeOp(g, (x as Tensor).shape)],
};
