import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d sin x = cos x. */
export const sin: Rule<'sin'> = {
  forward: ([x]) => T.sin(x!),
  backward: (g, { inputs: [x] }) => [T.mul(g, T.cos(x!))],
};
