import { concat, linear as linearOp, matmul, reshape, sum, Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { leadingSize } from './linear';

/**
 * y = x·[W₁; …; W_T]ᵀ + [b₁; …; b_T]: several linear layers reading one input (task heads) as one
 * product, inputs [x, W₁…W_T] or [x, W₁…W_T, b₁…b_T]. Backward: with G = ∂y, ∂x = G·W (one
 * product, not one per layer and a sum), ∂W = Gᵀ·x split into each Wᵢ's rows, ∂b = Σ_rows G
 * split likewise — the splits are views, not copies.
 *
 * The stacked W is read where the weights already lie next to each other in one buffer (see
 * {@link stackRows}); otherwise it is copied together for the call, so the values are always
 * those the weights hold now, however they were updated.
 */
export const stackedLinear: Rule<'stackedLinear'> = {
  forward: (inputs, { count }) => {
    const x = inputs[0] as Tensor;
    const w = stackRows(inputs.slice(1, 1 + count) as Tensor[]);
    const b = inputs.length > 1 + count ? stackRows(inputs.slice(1 + count) as Tensor[]) : null;
    return linearOp(x, w, b);
  },
  backward: (g, { inputs, params: { count }, needsGrad }) => {
    const x = inputs[0] as Tensor;
    const weights = inputs.slice(1, 1 + count) as Tensor[];
    const rows = leadingSize(x.shape);
    const g2 = g.rank === 2 ? g : reshape(g, [rows, g.shape[g.rank - 1]!]);
    const dx = needsGrad[0] ? reshape(matmul(g2, stackRows(weights)), x.shape) : null;
    const wantW = needsGrad.slice(1, 1 + count).some(Boolean);
    const dw = wantW
      ? matmul(g2, x.rank === 2 ? x : reshape(x, [rows, x.shape[x.rank - 1]!]), { transposeA: true })
      : null;
    const wantB = needsGrad.slice(1 + count).some(Boolean);
    const db = wantB ? sum(g2, 0) : null;
    const grads: (Tensor | null)[] = [dx];
    for (const [i, part] of splitRows(dw, weights).entries()) grads.push(needsGrad[1 + i] ? part : null);
    if (inputs.length > 1 + count) {
      const biases = inputs.slice(1 + count) as Tensor[];
      for (const [i, part] of splitRows(db, biases).entries())
        grads.push(needsGrad[1 + count + i] ? part : null);
    }
    return grads;
  },
};

/**
 * The tensors joined along dim 0: a view when they are consecutive pieces of one buffer (one
 * dtype, each starting where the one before ends), else a copy (`concat`).
 */
export function stackRows(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const data = first.data;
  let end = data.byteOffset + data.byteLength;
  let rows = first.shape[0]!;
  for (let i = 1; i < parts.length; i++) {
    const d = parts[i]!.data;
    if (parts[i]!.dtype !== first.dtype || d.buffer !== data.buffer || d.byteOffset !== end) {
      return concat(parts as Tensor[], 0);
    }
    end += d.byteLength;
    rows += parts[i]!.shape[0]!;
  }
  const length = (end - data.byteOffset) / data.BYTES_PER_ELEMENT;
  const view = new (data.constructor as new (b: ArrayBufferLike, o: number, n: number) => typeof data)(
    data.buffer,
    data.byteOffset,
    length,
  );
  return new Tensor(view, [rows, ...first.shape.slice(1)], first.dtype);
}

/** `whole` cut into row blocks shaped like `parts` (views of its data); nulls for a null `whole`. */
function splitRows(whole: Tensor | null, parts: readonly Tensor[]): (Tensor | null)[] {
  if (whole === null) return parts.map(() => null);
  let offset = 0;
  return parts.map((p) => {
    const piece = new Tensor(whole.data.subarray(offset, offset + p.size), p.shape, whole.dtype);
    offset += p.size;
    return piece;
  });
}
