import { add, mul, sigmoid, silu as siluOp, sub } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d[x·σ(x)] = σ(x)·(1 + x·(1 − σ(x))). */
export const silu: Rule<'silu'> = {
  forward: ([x]) => siluOp(x!),
  backward: (g, { inputs: [x] }) => {
    const s = sigmoid(x!);
    return [mul(g, mul(s, add(1, mul(x!, sub(1, s)))))];
  },
};
