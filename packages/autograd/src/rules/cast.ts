import type { Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** A dtype conversion passes the gradient through, converted back by the engine. */
export const cast: Rule<'cast'> = {
  forward: ([x], { dtype }) => (x as Tensor).to(dtype),
  backward: (g) => [g],
};
