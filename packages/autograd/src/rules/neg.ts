import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d(−x) = −1. */
export const neg: Rule<'neg'> = {
  forward: ([x]) => T.neg(x!),
  backward: (g) => [T.neg(g)],
};
