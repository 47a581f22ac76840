import { checkInteger } from '../checks';
import { promoteTypes } from '../dtype';
import { formatShape, IndexError, ShapeError } from '../errors';
import { normalizeDim, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { allocateChecked, requireTensorList } from '../validate';
import { unsqueeze } from './squeeze';

/**
 * Joins tensors along an existing dim; all other dims must match. Dtypes promote as in
 * `torch.cat`. As in PyTorch, 1-d empty tensors (shape [0]) are skipped.
 */
export function concat(xs: readonly Tensor[], dim = 0): Tensor {
  requireTensorList('concat', 'xs', xs);
  checkInteger('concat', 'dim', dim, {}, IndexError);
  const parts = xs.filter((x) => !(x.rank === 1 && x.size === 0));
  if (parts.length === 0) return xs[0]!.clone();
  const first = parts[0]!;
  if (first.rank === 0)
    throw new ShapeError('concat: zero-dimensional tensors cannot be concatenated (use stack)');
  const d = normalizeDim('concat', dim, first.rank, first.shape);
  let dtype = first.dtype;
  let total = 0;
  for (const x of parts) {
    const mismatch =
      x.rank !== first.rank || x.shape.some((s: number, i: number) => i !== d && s !== first.shape[i]);
    if (mismatch) {
      throw new ShapeError(
        `concat: shapes ${parts.map((p) => formatShape(p.shape)).join(', ')} differ outside dim ${dim} ` +
          '(every dim but the joined one must match)',
      );
    }
    dtype = promoteTypes(dtype, x.dtype);
    total += x.shape[d]!;
  }
  const shape = [...first.shape];
  shape[d] = total;
  const outer = sizeOf(first.shape.slice(0, d));
  const inner = sizeOf(first.shape.slice(d + 1));
  const out = allocateChecked('concat', dtype, shape);
  const rowLength = total * inner;
  let offset = 0;
  for (const x of parts) {
    const block = x.shape[d]! * inner;
    for (let o = 0; o < outer; o++) {
      out.set(x.data.subarray(o * block, (o + 1) * block) as never, o * rowLength + offset);
    }
    offset += block;
  }
  return new Tensor(out, shape, dtype);
}

/** Joins equal-shaped tensors along a new dim. */
export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  requireTensorList('stack', 'xs', xs);
  const first = xs[0]!;
  for (const x of xs) {
    if (x.rank !== first.rank || x.shape.some((s, i) => s !== first.shape[i])) {
      throw new ShapeError(
        `stack: every tensor must have the same shape, got ${xs.map((t) => formatShape(t.shape)).join(', ')}`,
      );
    }
  }
  const d = normalizeDim('stack', dim, first.rank + 1, first.shape);
  return concat(
    xs.map((x) => unsqueeze(x, d)),
    d,
  );
}
