import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d log x = 1/x. */
export const log: Rule<'log'> = {
  forward: ([x]) => T.log(x!),
  backward: (g, { inputs: [x] }) => [T.div(g, x!)],
};
