import { eq, gt, maximum as maximumOp, mul, sub, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient goes to the larger input; ties split it ½–½, as in PyTorch. */
export const maximum: Rule<'maximum'> = {
  forward: ([a, b]) => maximumOp(a!, b!),
  backward: (g, { inputs: [a, b] }) => {
    const ga = mul(g, where(eq(a!, b!), 0.5, where(gt(a!, b!), 1, 0)));
    return [ga, sub(g, ga)];
  },
};
