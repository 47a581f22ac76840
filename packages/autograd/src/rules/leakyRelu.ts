import { gt, leakyRelu as leakyReluOp, mul, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Slope 1 for x > 0, negativeSlope otherwise (at 0 too, as in PyTorch). */
export const leakyRelu: Rule<'leakyRelu'> = {
  forward: ([x], { negativeSlope }) => leakyReluOp(x!, negativeSlope),
  backward: (g, { inputs: [x], params: { negativeSlope } }) => [where(gt(x!, 0), g, mul(g, negativeSlope))],
};
