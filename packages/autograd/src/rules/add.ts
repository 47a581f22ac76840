import { add as addOp } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d(a + b) = (1, 1); the engine sums broadcast gradients back to each input's shape. */
export const add: Rule<'add'> = {
  forward: ([a, b]) => addOp(a!, b!),
  backward: (g) => [g, g],
};
