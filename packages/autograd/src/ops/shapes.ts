import {
  chunk as chunkOp,
  expand as expandOp,
  flatten as flattenOp,
  formatShape,
  formatValue,
  normalizeDim,
  reshape as reshapeOp,
  ShapeError,
  sameShape,
  split as splitOp,
  squeeze as squeezeOp,
  type Tensor,
  tensor,
  unsqueeze as unsqueezeOp,
} from '@mtl/tensor';

import { apply, unwrap, type VariableLike } from '../apply';

import { Variable } from '../Variable';

import {
  requireDims,
  requireDType,
  requireInteger,
  requireIntegerList,
  requireOperand,
  requireTensor,
  requireTensorLike,
} from '../validate';

/*
 * Differentiable shape and indexing ops. reshape, permute, expand, concat, slice, gather and
 * indexSelect are primitives; the rest are built from them, with the shape arithmetic done by
 * the @mtl/tensor op of the same name on the value (so errors read the same).
 */

function tensorOf(op: string, x: VariableLike): Tensor {
  return requireTensorLike(op, 'x', x);
}

export function reshape(x: VariableLike, shape: readonly number[]): Variable {
  requireIntegerList('reshape', 'shape', shape);
  return apply('reshape', [x], { shape: [...reshapeOp(tensorOf('reshape', x), shape).shape] });
}

export function flatten(x: VariableLike, startDim = 0, endDim = -1): Variable {
  requireInteger('flatten', 'startDim', startDim);
  requireInteger('flatten', 'endDim', endDim);
  return reshape(x, flattenOp(tensorOf('flatten', x), startDim, endDim).shape);
}

export function squeeze(x: VariableLike, dim?: number | readonly number[]): Variable {
  requireDims('squeeze', dim);
  return reshape(x, squeezeOp(tensorOf('squeeze', x), dim).shape);
}

export function unsqueeze(x: VariableLike, dim: number): Variable {
  requireInteger('unsqueeze', 'dim', dim);
  return reshape(x, unsqueezeOp(tensorOf('unsqueeze', x), dim).shape);
}

export function permute(x: VariableLike, dims: readonly number[]): Variable {
  tensorOf('permute', x);
  requireIntegerList('permute', 'dims', dims);
  return apply('permute', [x], { dims: [...dims] });
}

export function transpose(x: VariableLike, dim0: number, dim1: number): Variable {
  requireInteger('transpose', 'dim0', dim0);
  requireInteger('transpose', 'dim1', dim1);
  const t = tensorOf('transpose', x);
  const a = normalizeDim('transpose', dim0, t.rank, t.shape);
  const b = normalizeDim('transpose', dim1, t.rank, t.shape);
  const dims = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, dims);
}

export function expand(x: VariableLike, shape: readonly number[]): Variable {
  requireIntegerList('expand', 'shape', shape);
  return apply('expand', [x], { shape: [...expandOp(tensorOf('expand', x), shape).shape] });
}

export function broadcastTo(x: VariableLike, shape: readonly number[]): Variable {
  tensorOf('broadcastTo', x);
  requireIntegerList('broadcastTo', 'shape', shape);
  return expand(x, shape);
}

export function concat(xs: readonly VariableLike[], dim = 0): Variable {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new ShapeError(`concat: xs must be a non-empty array of tensors, got ${formatValue(xs)}`);
  xs.forEach((x, i) => {
    requireTensorLike('concat', `xs[${i}]`, x);
  });
  requireInteger('concat', 'dim', dim);
  return apply('concat', xs, { dim });
}

export function stack(xs: readonly VariableLike[], dim = 0): Variable {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new ShapeError(`stack: xs must be a non-empty array of tensors, got ${formatValue(xs)}`);
  requireInteger('stack', 'dim', dim);
  const shapes = xs.map((x, i) => requireTensorLike('stack', `xs[${i}]`, x).shape);
  const first = shapes[0]!;
  if (shapes.some((s) => !sameShape(s, first))) {
    throw new ShapeError(
      `stack: every tensor must have the same shape, got ${shapes.map(formatShape).join(', ')}`,
    );
  }
  const d = normalizeDim('stack', dim, first.length + 1, first);
  return concat(
    xs.map((x) => unsqueeze(x, d)),
    d,
  );
}

export function slice(x: VariableLike, dim: number, start = 0, end?: number, step = 1): Variable {
  tensorOf('slice', x);
  requireInteger('slice', 'dim', dim);
  requireInteger('slice', 'start', start);
  requireInteger('slice', 'end', end, true);
  requireInteger('slice', 'step', step);
  return apply('slice', [x], { dim, start, end: end ?? undefined, step });
}

export function narrow(x: VariableLike, dim: number, start: number, length: number): Variable {
  requireInteger('narrow', 'dim', dim);
  requireInteger('narrow', 'start', start);
  requireInteger('narrow', 'length', length);
  const t = tensorOf('narrow', x);
  t.narrow(dim, start, length); // validates, with narrow's own messages
  const d = normalizeDim('narrow', dim, t.rank, t.shape);
  const from = start < 0 ? start + t.shape[d]! : start;
  return slice(x, d, from, from + length);
}

export function select(x: VariableLike, dim: number, index: number): Variable {
  requireInteger('select', 'dim', dim);
  requireInteger('select', 'index', index);
  const t = tensorOf('select', x);
  const shape = t.select(dim, index).shape; // validates, with select's own messages
  const d = normalizeDim('select', dim, t.rank, t.shape);
  const i = index < 0 ? index + t.shape[d]! : index;
  return reshape(slice(x, d, i, i + 1), shape);
}

export function split(x: VariableLike, splitSizeOrSections: number | readonly number[], dim = 0): Variable[] {
  if (typeof splitSizeOrSections === 'number')
    requireInteger('split', 'splitSizeOrSections', splitSizeOrSections);
  else requireIntegerList('split', 'splitSizeOrSections', splitSizeOrSections);
  requireInteger('split', 'dim', dim);
  const t = tensorOf('split', x);
  const d = normalizeDim('split', dim, t.rank, t.shape);
  return piecesAlong(x, splitOp(t, splitSizeOrSections, d), d);
}

export function chunk(x: VariableLike, chunks: number, dim = 0): Variable[] {
  requireInteger('chunk', 'chunks', chunks);
  requireInteger('chunk', 'dim', dim);
  const t = tensorOf('chunk', x);
  const d = normalizeDim('chunk', dim, t.rank, t.shape);
  return piecesAlong(x, chunkOp(t, chunks, d), d);
}

function piecesAlong(x: VariableLike, pieces: Tensor[], d: number): Variable[] {
  let start = 0;
  return pieces.map((piece) => {
    const length = piece.shape[d]!;
    const out = slice(x, d, start, start + length);
    start += length;
    return out;
  });
}

export function gather(x: VariableLike, dim: number, index: Tensor): Variable {
  tensorOf('gather', x);
  requireInteger('gather', 'dim', dim);
  requireTensor('gather', 'index', index);
  return apply('gather', [x], { dim, index });
}

export function indexSelect(x: VariableLike, dim: number, index: Tensor): Variable {
  tensorOf('indexSelect', x);
  requireInteger('indexSelect', 'dim', dim);
  requireTensor('indexSelect', 'index', index);
  return apply('indexSelect', [x], { dim, index });
}

/** Converts between dtypes; between float dtypes the gradient flows (converted back). */
export function cast(x: VariableLike, dtype: Tensor['dtype']): Variable {
  requireOperand('cast', 'x', x);
  requireDType('cast', 'dtype', dtype);
  if (typeof x === 'number' || typeof x === 'boolean') return new Variable(tensor(x, { dtype }));
  const v = unwrap(x);
  if (x instanceof Variable && typeof v === 'object' && v.dtype === dtype) return x;
  return apply('cast', [x], { dtype });
}
