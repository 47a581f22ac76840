import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d √x = 1/(2√x): reuses the output (∞ at 0, as in PyTorch). */
export const sqrt: Rule<'sqrt'> = {
  forward: ([x]) => T.sqrt(x!),
  backward: (g, { output: y }) => [T.div(g, T.mul(y, 2))],
};
