import { add, erf, exp, gelu as geluOp, mul, square, sub, tanh } from '@mtl/tensor';
import type { Rule } from '../primitives';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K = Math.sqrt(2 / Math.PI);

/**
 * Exact form: d[xΦ(x)] = Φ(x) + x·φ(x). Tanh form, with u = K(x + 0.044715x³):
 * ½(1 + tanh u) + ½x(1 − tanh²u)·K(1 + 3·0.044715x²).
 */
export const gelu: Rule<'gelu'> = {
  forward: ([x], { approximate }) => geluOp(x!, { approximate }),
  backward: (g, { inputs: [x], params: { approximate } }) => {
    const v = x!;
    if (approximate === 'tanh') {
      const t = tanh(mul(add(v, mul(mul(square(v), v), 0.044715)), K));
      const du = mul(add(mul(square(v), 3 * 0.044715), 1), K);
      const d = add(mul(add(t, 1), 0.5), mul(mul(mul(v, 0.5), sub(1, square(t))), du));
      return [mul(g, d)];
    }
    const cdf = mul(add(erf(mul(v, SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(square(v), -0.5)), INV_SQRT_2PI);
    return [mul(g, add(cdf, mul(v, pdf)))];
  },
};
