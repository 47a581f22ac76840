import { add, matmul, neg, pinv as pinvOp, sub, type Tensor, transpose } from '@mtl/tensor';
import type { Rule } from '../primitives';

const t = (x: Tensor) => transpose(x, 0, 1);
const total = (...terms: Tensor[]) => terms.reduce((x, y) => add(x, y));

/**
 * P = A⁺ (m×n → n×m): PyTorch's formula, which holds where the rank is locally constant,
 *   m ≤ n: K = GᵀP;  ∂A = −(PK)ᵀ + KPᵀ − AP·KPᵀ + PᵀP·(Gᵀ − KA)
 *   m > n: K = PGᵀ;  ∂A = −(KP)ᵀ + (Gᵀ − AK)·PPᵀ + PᵀK − PᵀK·PA
 * arranged so every product has the smaller dimension inside.
 */
export const pinv: Rule<'pinv'> = {
  forward: ([a], { rtol, atol }) => pinvOp(a as Tensor, { rtol, atol }),
  backward: (g, { inputs: [input], output: p }) => {
    const a = input as Tensor;
    const [m, n] = a.shape as [number, number];
    const gt = t(g);
    if (m <= n) {
      const k = matmul(gt, p);
      const kpt = matmul(k, t(p));
      return [
        total(
          neg(t(matmul(p, k))),
          kpt,
          neg(matmul(matmul(a, p), kpt)),
          matmul(matmul(t(p), p), sub(gt, matmul(k, a))),
        ),
      ];
    }
    const k = matmul(p, gt);
    const ptk = matmul(t(p), k);
    return [
      total(
        neg(t(matmul(k, p))),
        matmul(matmul(sub(gt, matmul(a, k)), p), t(p)),
        ptk,
        neg(matmul(matmul(ptk, p), a)),
      ),
    ];
  },
};
