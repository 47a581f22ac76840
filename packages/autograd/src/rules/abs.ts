import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d|x| = sign(x), so the gradient at 0 is 0, as in PyTorch. */
export const abs: Rule<'abs'> = {
  forward: ([x]) => T.abs(x!),
  backward: (g, { inputs: [x] }) => [T.mul(g, T.sign(x!))],
};
