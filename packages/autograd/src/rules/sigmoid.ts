import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d σ(x) = σ(x)(1 − σ(x)): reuses the output. */
export const sigmoid: Rule<'sigmoid'> = {
  forward: ([x]) => T.sigmoid(x!),
  backward: (g, { output: y }) => [T.mul(g, T.mul(y, T.sub(1, y)))],
};
