import { erf as erfOp, exp, mul, square } from '@mtl/tensor';
import type { Rule } from '../primitives';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** d erf(x) = 2/√π · e^{−x²}. */
export const erf: Rule<'erf'> = {
  forward: ([x]) => erfOp(x!),
  backward: (g, { inputs: [x] }) => [mul(g, mul(exp(mul(square(x!), -1)), TWO_OVER_SQRT_PI))],
};
