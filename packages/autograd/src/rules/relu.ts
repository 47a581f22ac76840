import * as T from '@mtl/tensor';
import type { Rule } from '../primitives';

/** d relu(x) = [x > 0]: 0 at the kink, as in PyTorch. One pass over g and x (no mask tensor). */
export const relu: Rule<'relu'> = {
  forward: ([x]) => T.relu(x!),
  backward: (g, { inputs: [input] }) => {
    const x = input as T.Tensor;
    if (g.dtype !== x.dtype || g.size !== x.size || g.dtype === 'bool') return [T.mul(g, T.gt(x, 0))];
    const gd = g.data;
    const xd = x.data;
    const n = gd.length;
    const out = new (gd.constructor as new (n: number) => typeof gd)(n);
    // Branchless g·[x > 0] (+ 0 turns −0 into 0); `bad` turns NaN if some g is not finite, where
    // g·0 would be NaN instead of 0: then the branching loop redoes it.
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const gi = gd[i]!;
      out[i] = gi * +(xd[i]! > 0) + 0;
      bad += gi * 0;
    }
    if (Number.isNaN(bad)) for (let i = 0; i < n; i++) out[i] = xd[i]! > 0 ? gd[i]! : 0;
    return [new T.Tensor(out, x.shape, x.dtype)];
  },
};
