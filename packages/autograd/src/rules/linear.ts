import { matmul, reshape, sum, Tensor } from '@mtl/tensor';
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
    // One output (a task head): a dot product per row, written out (matmul's setup dominates there).
    let y = w.shape[0] === 1 && x2.dtype === w.dtype ? rowDots(x2, w) : matmul(x2, w, { transposeB: true });
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
    let dx: Tensor | null = null;
    if (needsGrad[0]) {
      // One output (a task head): G·W is an outer product, written out as one loop.
      dx = reshape(out === 1 && g2.dtype === w.dtype ? outerProduct(g2, w) : matmul(g2, w), x.shape);
    }
    let dw: Tensor | null = null;
    if (needsGrad[1]) {
      dw = out === 1 && g2.dtype === x2.dtype ? weightedRowSum(g2, x2) : matmul(g2, x2, { transposeA: true });
    }
    return [dx, dw, bIn !== undefined && needsGrad[2] ? sum(g2, 0) : null];
  },
};

/** The number of rows: the product of every dim but the last. */
export function leadingSize(shape: readonly number[]): number {
  let rows = 1;
  for (let i = 0; i + 1 < shape.length; i++) rows *= shape[i]!;
  return rows;
}

/** g [rows, 1] times w [1, in]: out[r, j] = g[r]·w[j]. */
function outerProduct(g: Tensor, w: Tensor): Tensor {
  const rows = g.shape[0]!;
  const n = w.shape[1]!;
  const gd = g.data;
  const wd = w.data;
  const out = new (gd.constructor as new (n: number) => typeof gd)(rows * n);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    const s = gd[r]!;
    for (let j = 0; j < n; j++) out[o + j] = s * wd[j]!;
  }
  return new Tensor(out, [rows, n], g.dtype);
}

/** y[r, j] += b[j] for every row r, in place. */
function addRows(y: Tensor['data'], b: Tensor['data'], rows: number): void {
  const n = b.length;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    for (let j = 0; j < n; j++) y[o + j] += b[j]!;
  }
}

/** x [rows, n] times w [1, n] transposed: out[r] = Σ_j x[r, j]·w[j] (accumulated in float64), as [rows, 1]. */
function rowDots(x: Tensor, w: Tensor): Tensor {
  const rows = x.shape[0]!;
  const n = x.shape[1]!;
  const xd = x.data;
  const wd = w.data;
  const out = new (xd.constructor as new (n: number) => typeof xd)(rows);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += xd[o + j]! * wd[j]!;
    out[r] = acc;
  }
  return new Tensor(out, [rows, 1], x.dtype);
}

/** g [rows, 1] transposed times x [rows, n]: out[j] = Σ_r g[r]·x[r, j] (float64 sums), as [1, n]. */
function weightedRowSum(g: Tensor, x: Tensor): Tensor {
  const rows = x.shape[0]!;
  const n = x.shape[1]!;
  const gd = g.data;
  const xd = x.data;
  const acc = new Float64Array(n);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    const s = gd[r]!;
    for (let j = 0; j < n; j++) acc[j] += s * xd[o + j]!;
  }
  const out = new (xd.constructor as new (n: number) => typeof xd)(n);
  out.set(acc);
  return new Tensor(out, [1, n], x.dtype);
}
