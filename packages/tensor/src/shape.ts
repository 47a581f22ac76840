import { formatShape, formatValue, IndexError, ShapeError, ValueError } from './errors';
import { requireShape, requireSize } from './validate';

/** Number of elements of a shape (1 for a scalar's `[]`); a malformed shape is a ShapeError. */
export function sizeOf(shape: readonly number[]): number {
  if (!Array.isArray(shape)) requireShape('sizeOf', 'shape', shape);
  let size = 1;
  for (const d of shape) {
    // requireShape throws here, with the message; valid shapes pay one check per dim.
    if (!Number.isInteger(d) || d < 0) requireShape('sizeOf', 'shape', shape);
    size *= d;
  }
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

/** Same rank and the same size along every dim. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Resolves a possibly negative dim against `rank`, as PyTorch does (`-1` is the last dim).
 * A scalar accepts dims 0 and -1, as in PyTorch.
 */
export function normalizeDim(
  op: string,
  dim: number,
  rank: number,
  shape?: readonly number[],
  name = 'dim',
): number {
  if (typeof op !== 'string') op = 'normalizeDim';
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0) {
    throw new ValueError(`${op}: rank must be a non-negative integer — got ${formatValue(rank)}`);
  }
  const r = Math.max(rank, 1);
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new IndexError(`${op}: ${name} must be an integer — got ${formatValue(dim)}`);
  }
  if (dim < -r || dim >= r) {
    const where = shape ? ` of a tensor with shape ${formatShape(shape)}` : '';
    throw new IndexError(
      `${op}: ${name} ${dim} is out of range [${-r}, ${r - 1}]${where} (negative dims count from the end)`,
    );
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
  if (typeof op !== 'string') op = 'normalizeDims';
  if (!Array.isArray(shape)) requireShape(op, 'shape', shape);
  const rank = shape.length;
  if (dim === undefined || dim === null) return Array.from({ length: rank }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new IndexError(
      `${op}: dim must be an integer, an array of integers, or omitted for every dim — got ${formatValue(dim)}`,
    );
  }
  const list: number[] = typeof dim === 'number' ? [dim] : [...dim];
  if (rank === 0) {
    // A scalar reduces over "dim 0 / -1" to itself, as in PyTorch.
    for (const d of list) normalizeDim(op, d, 0, shape);
    return [];
  }
  const dims = list.map((d) => normalizeDim(op, d, rank, shape));
  const seen = new Set<number>();
  for (const d of dims) {
    if (seen.has(d)) throw new IndexError(`${op}: dim ${d} appears more than once in ${formatValue(list)}`);
    seen.add(d);
  }
  return dims.sort((a, b) => a - b);
}

/**
 * The broadcast shape of several shapes (NumPy/PyTorch rule): align trailing dims; each pair must
 * be equal or one of them 1.
 */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  if (typeof op !== 'string') op = 'broadcastShapes';
  for (const s of shapes) if (!isShape(s)) requireShape(op, 'shape', s);
  // Two equal shapes (most elementwise ops): the shape itself. Plain loops here, as every op calls this.
  if (shapes.length === 2 && sameShape(shapes[0]!, shapes[1]!)) {
    const out = shapes[0]!.slice();
    requireSize(op, out);
    return out;
  }
  let rank = 0;
  for (const s of shapes) rank = Math.max(rank, s.length);
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
  requireSize(op, out);
  return out;
}

/** An array of whole numbers ≥ 0 (what `requireShape` demands, checked without allocating). */
function isShape(s: readonly number[]): boolean {
  if (!Array.isArray(s)) return false;
  for (let i = 0; i < s.length; i++) {
    const d = s[i];
    if (!Number.isInteger(d) || d! < 0) return false;
  }
  return true;
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
