import { eq, log, mul, pow as powOp, sub, where } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * d(aᵇ) = (b·aᵇ⁻¹, aᵇ·log a). As in PyTorch, the exponent's gradient is taken as 0 where a = 0
 * (instead of 0·log 0 = NaN), and the base's gradient is 0 where b = 0. A JS-number base keeps
 * its log in float64, and a JS-number exponent stays a number (ops on two numbers give float32).
 */
export const pow: Rule<'pow'> = {
  forward: ([a, b]) => powOp(a!, b!),
  backward: (g, { inputs: [a, b], output, needsGrad }) => [
    needsGrad[0]
      ? mul(g, where(eq(b!, 0), 0, mul(b!, powOp(a!, typeof b === 'number' ? b - 1 : sub(b!, 1)))))
      : null,
    needsGrad[1]
      ? mul(g, where(eq(a!, 0), 0, mul(output, typeof a === 'number' ? Math.log(a) : log(a!))))
      : null,
  ],
};
