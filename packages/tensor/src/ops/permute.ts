import { getKernel, KERNELS } from '../backend/registry';
import { allocate } from '../dtype';
import { formatShape, formatValue, IndexError } from '../errors';
import { normalizeDim } from '../shape';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';

/** x with its dims reordered: result dim i is x's dim `dims[i]`. Copies into a contiguous tensor. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  requireTensor('permute', 'x', x);
  if (!Array.isArray(dims) || dims.length !== x.rank) {
    throw new IndexError(
      `permute: dims ${formatValue(dims)} must list each of the ${x.rank} dims of x.shape=${formatShape(x.shape)} once`,
    );
  }
  const perm = dims.map((d) => normalizeDim('permute', d, x.rank, x.shape));
  if (new Set(perm).size !== perm.length) {
    throw new IndexError(`permute: dims ${formatValue(dims)} repeat a dim (each dim must appear once)`);
  }
  if (perm.every((p, i) => p === i)) return x;
  const out = allocate(x.dtype, x.size);
  getKernel(KERNELS.permute)(x.data, x.shape, perm, out);
  return new Tensor(
    out,
    perm.map((p) => x.shape[p]!),
    x.dtype,
  );
}

/** x with dims dim0 and dim1 swapped (a copy). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  requireTensor('transpose', 'x', x);
  const a = normalizeDim('transpose', dim0, x.rank, x.shape, 'dim0');
  const b = normalizeDim('transpose', dim1, x.rank, x.shape, 'dim1');
  if (a === b || x.rank === 0) return x;
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}
