import { gt, mul, sigmoid, softplus as softplusOp, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** σ(βx) below the threshold, 1 above it (where the forward is x itself), as in PyTorch. */
export const softplus: Rule<'softplus'> = {
  forward: ([x], { beta, threshold }) => softplusOp(x!, { beta, threshold }),
  backward: (g, { inputs: [x], params: { beta, threshold } }) => [
    mul(g, where(gt(mul(x!, beta), threshold), 1, sigmoid(mul(x!, beta)))),
  ],
};
