import * as T from '@mtl/tensor';
import { maskRows } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * d relu(x) = [x > 0]: 0 at the kink, as in PyTorch. The backward is fused linear + relu's mask
 * pass, `maskRows` (one pass over g and x, no mask tensor; WebAssembly for large float32): g where x > 0, else +0,
 * also where g is ±∞ or NaN; NaN where x > 0 and g is NaN; +0 at x = NaN.
 */
export const relu: Rule<'relu'> = {
  forward: ([x]) => T.relu(x!),
  backward: (g, { inputs: [input] }) => {
    const x = input as T.Tensor;
    // relu rejects bool, so g and x here are float or int32.
    if (g.dtype !== x.dtype || g.size !== x.size || (x.dtype !== 'float32' && x.dtype !== 'float64')) {
      return [T.mul(g, T.gt(x, 0))];
    }
    const gd = g.data as Float32Array | Float64Array;
    const out = new (gd.constructor as new (n: number) => typeof gd)(gd.length);
    // As one row: the pass is elementwise without bias sums (the WASM path wants a length that is
    // a multiple of 4, else the loop runs).
    maskRows(gd, x.data as Float32Array | Float64Array, out, null, 1, gd.length);
    return [new T.Tensor(out, x.shape, x.dtype)];
  },
};
