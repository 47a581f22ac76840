import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d cos x = −sin x. */
export const cos: Rule<'cos'> = {
  forward: ([x]) => T.cos(x!),
  backward: (g, { inputs: [x] }) => [T.mul(g, T.neg(T.sin(x!)))],
};
