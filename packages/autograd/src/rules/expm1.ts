import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d(eˣ − 1) = eˣ = output + 1. */
export const expm1: Rule<'expm1'> = {
  forward: ([x]) => T.expm1(x!),
  backward: (g, { output: y }) => [T.mul(g, T.add(y, 1))],
};
