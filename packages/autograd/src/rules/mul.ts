import { mul as mulOp } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d(a·b) = (b, a). */
export const mul: Rule<'mul'> = {
  forward: ([a, b]) => mulOp(a!, b!),
  backward: (g, { inputs: [a, b], needsGrad }) => [
    needsGrad[0] ? mulOp(g, b!) : null,
    needsGrad[1] ? mulOp(g, a!) : null,
  ],
};
