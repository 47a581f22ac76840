import { add, elu as eluOp, gt, mul, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** 1 for x > 0, else alpha·eˣ = output + alpha (no overflow from the unused branch). */
export const elu: Rule<'elu'> = {
  forward: ([x], { alpha }) => eluOp(x!, alpha),
  backward: (g, { inputs: [x], output: y, params: { alpha } }) => [
    mul(g, where(gt(x!, 0), 1, add(y, alpha))),
  ],
};
