import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d tanh x = 1 − tanh²x: reuses the output. */
export const tanh: Rule<'tanh'> = {
  forward: ([x]) => T.tanh(x!),
  backward: (g, { output: y }) => [T.mul(g, T.sub(1, T.square(y)))],
};
