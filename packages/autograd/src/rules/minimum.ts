import { eq, lt, minimum as minimumOp, mul, sub, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** The gradient goes to the smaller input; ties split it ½–½, as in PyTorch. */
export const minimum: Rule<'minimum'> = {
  forward: ([a, b]) => minimumOp(a!, b!),
  backward: (g, { inputs: [a, b] }) => {
    const ga = mul(g, where(eq(a!, b!), 0.5, where(lt(a!, b!), 1, 0)));
    return [ga, sub(g, ga)];
  },
};
