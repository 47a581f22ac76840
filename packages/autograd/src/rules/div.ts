import { div as divOp, mul, neg } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d(a/b) = (1/b, −a/b²) = (1/b, −output/b). */
export const div: Rule<'div'> = {
  forward: ([a, b]) => divOp(a!, b!),
  backward: (g, { inputs: [, b], output, needsGrad }) => {
    const ga = divOp(g, b!);
    return [needsGrad[0] ? ga : null, needsGrad[1] ? neg(mul(ga, output)) : null];
  },
};
