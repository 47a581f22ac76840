import { matmul, reshape, sum, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * y = x·Wᵀ + b (`torch.nn.functional.linear`): x [..., in], W [out, in], b [out] (optional, the
 * third input). The bias is added in place into the product, so the forward allocates one
 * tensor; Wᵀ and Gᵀ are never materialised (matmul's transpose flags). Backward: ∂x = G·W,
 * ∂W = Gᵀ·x (leading dims of x flattened into rows), ∂b = Σ_rows G.
 */
export const linear: Rule<'linear'> = {
  forward: ([xIn, wIn, bIn]) => {
    const x = xIn as Tensor;
    const w = wIn as Tensor;
    const rows = leadingSize(x.shape);
    const x2 = x.rank === 2 ? x : reshape(x, [rows, x.shape[x.rank - 1]!]);
    let y = matmul(x2, w, { transposeB: true });
    if (bIn !== undefined) {
      const b = bIn as Tensor;
      if (b.dtype === y.dtype) {
        addRows(y.data, b.data, rows);
      } else {
        y = y.add(b);
      }
    }
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), w.shape[0]!]);
  },
  backward: (g, { inputs: [xIn, wIn, bIn], needsGrad }) => {
    const x = xIn as Tensor;
    const w = wIn as Tensor;
    const out = w.shape[0]!;
    const g2 = g.rank === 2 ? g : reshape(g, [leadingSize(x.shape), out]);
    const x2 = x.rank === 2 ? x : reshape(x, [g2.shape[0]!, x.shape[x.rank - 1]!]);
    const dx = needsGrad[0] ? reshape(matmul(g2, w), x.shape) : null;
    const dw = needsGrad[1] ? matmul(g2, x2, { transposeA: true }) : null;
    return [dx, dw, bIn !== undefined && needsGrad[2] ? sum(g2, 0) : null];
  },
};

/** The number of rows: the product of every dim but the last. */
export function leadingSize(shape: readonly number[]): number {
  let rows = 1;
  for (let i = 0; i + 1 < shape.length; i++) rows *= shape[i]!;
  return rows;
}

/** y[r, j] += b[j] for every row r, in place. */
function addRows(y: Tensor['data'], b: Tensor['data'], rows: number): void {
  const n = b.length;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    for (let j = 0; j < n; j++) y[o + j] += b[j]!;
  }
}
