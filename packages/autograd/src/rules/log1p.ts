import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d log(1 + x) = 1/(1 + x). */
export const log1p: Rule<'log1p'> = {
  forward: ([x]) => T.log1p(x!),
  backward: (g, { inputs: [x] }) => [T.div(g, T.add(x!, 1))],
};
