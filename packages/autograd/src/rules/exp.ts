import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d eˣ = eˣ: reuses the output. */
export const exp: Rule<'exp'> = {
  forward: ([x]) => T.exp(x!),
  backward: (g, { output: y }) => [T.mul(g, y)],
};
