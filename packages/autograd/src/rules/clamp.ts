import { clamp as clampOp, ge, le, logicalAnd, mul } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient passes where min ≤ x ≤ max — on the bounds too, as in PyTorch — and is 0 outside. */
export const clamp: Rule<'clamp'> = {
  forward: ([x], { min, max }) => clampOp(x!, min, max),
  backward: (g, { inputs: [x], params: { min, max } }) => {
    let inside = min === null ? null : ge(x!, min);
    if (max !== null) inside = inside === null ? le(x!, max) : logicalAnd(inside, le(x!, max));
    return [inside === null ? g : mul(g, inside)];
  },
};
