import { neg, sub as subOp } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d(a − b) = (1, −1). */
export const sub: Rule<'sub'> = {
  forward: ([a, b]) => subOp(a!, b!),
  backward: (g, { needsGrad }) => [g, needsGrad[1] ? neg(g) : null],
};
