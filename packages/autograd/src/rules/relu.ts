import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d relu(x) = [x > 0]: 0 at the kink, as in PyTorch. */
export const relu: Rule<'relu'> = {
  forward: ([x]) => T.relu(x!),
  backward: (g, { inputs: [x] }) => [T.mul(g, T.gt(x!, 0))],
};
