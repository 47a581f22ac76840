import { where as whereOp, zerosLike } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient goes to a where cond holds and to b elsewhere; cond gets none. */
export const where: Rule<'where'> = {
  forward: ([a, b], { cond }) => whereOp(cond, a!, b!),
  backward: (g, { params: { cond }, needsGrad }) => {
    const zero = zerosLike(g);
    return [needsGrad[0] ? whereOp(cond, g, zero) : null, needsGrad[1] ? whereOp(cond, zero, g) : null];
  },
};
