import { formatShape, IndexError, ShapeError } from './errors';

/** Number of elements of a shape (1 for a scalar's `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major (C-contiguous) strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of non-negative integers, got ${String(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape must hold non-negative integers, got ${formatShape(shape)} (bad entry ${d})`,
      );
    }
  }
}

/**
 * Resolves a possibly negative dim against `rank`, as PyTorch does (`-1` is the last dim).
 * A scalar accepts dims 0 and -1, as in PyTorch.
 */
export function normalizeDim(op: string, dim: number, rank: number, shape?: readonly number[]): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim)) {
    throw new IndexError(`${op}: dim must be an integer, got ${dim}`);
  }
  if (dim < -r || dim >= r) {
    const where = shape ? ` of a tensor with shape ${formatShape(shape)}` : '';
    throw new IndexError(`${op}: dim ${dim} is out of range [${-r}, ${r - 1}]${where}`);
  }
  return dim < 0 ? dim + r : dim;
}

/**
 * Resolves the `dim` argument of a reduction: undefined/null means every dim; a number or a
 * list is normalised, de-duplicated checked and sorted.
 */
export function normalizeDims(
  op: string,
  dim: number | readonly number[] | undefined | null,
  shape: readonly number[],
): number[] {
  const rank = shape.length;
  if (dim === undefined || dim === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  if (rank === 0) {
    // A scalar reduces over "dim 0 / -1" to itself, as in PyTorch.
    for (const d of list) normalizeDim(op, d, 0, shape);
    return [];
  }
  const dims = list.map((d) => normalizeDim(op, d, rank, shape));
  const seen = new Set<number>();
  for (const d of dims) {
    if (seen.has(d))
      throw new IndexError(`${op}: dim ${d} appears more than once in ${JSON.stringify(list)}`);
    seen.add(d);
  }
  return dims.sort((a, b) => a - b);
}

/**
 * The broadcast shape of several shapes (NumPy/PyTorch rule): align trailing dims; each pair must
 * be equal or one of them 1.
 */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(', ')} cannot be broadcast together ` +
            `(dim ${o - rank} is ${out[o]} vs ${d}; each pair of trailing dims must match or be 1)`,
        );
      }
    }
  }
  return out;
}

/**
 * Strides for reading a tensor of `shape` as if it had the (broadcast) shape `target`:
 * broadcast dims get stride 0, so one index walks both.
 */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}
