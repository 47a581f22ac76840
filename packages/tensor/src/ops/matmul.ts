import { checkBoolean, checkOptions } from '../checks';
import { type allocate, type DType, promoteTypes } from '../dtype';
import { DTypeError, formatShape, formatValue, ShapeError } from '../errors';
import { int32Error } from '../int32';
import { matmulKernel } from '../kernels/matmul';
import { broadcastShapes, broadcastStrides, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { allocateChecked } from '../validate';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /**
   * Multiply by the transpose of `a`'s last two dims (`a` stored `[..., k, m]`), without copying:
   * `matmul(a, b, { transposeA: true })` equals `matmul(transpose(a, -2, -1), b)`. Needs
   * `a.rank ≥ 2`. Default false.
   */
  transposeA?: boolean;
  /**
   * Multiply by the transpose of `b`'s last two dims (`b` stored `[..., n, k]`, e.g. a Linear
   * layer's `[out, in]` weight), without copying. Needs `b.rank ≥ 2`. Default false.
   */
  transposeB?: boolean;
}

/**
 * Matrix product with `torch.matmul`'s rules: 1-d·1-d is a dot product (0-d), a 1-d operand is
 * treated as a row (left) or column (right) vector and that dim is dropped from the result,
 * and leading batch dims broadcast (`[2,1,3,4]·[5,4,2] → [2,5,3,2]`).
 *
 * `{ transposeA, transposeB }` (as in `tf.matMul`) multiply by the transpose of an operand's last
 * two dims without materialising it: `matmul(x, w, { transposeB: true })` is `x·wᵀ` for a
 * weight `w` of shape `[out, in]`. A transposed operand must have at least 2 dims.
 *
 * float32 products run a WebAssembly SIMD kernel where available (see `setBackend`),
 * float64 and int32 a blocked TypeScript kernel.
 *
 * @example
 * matmul(x, w, { transposeB: true }); // x: [batch, in], w: [out, in] → [batch, out]
 * matmul(a, g, { transposeA: true }); // aᵀ·g, e.g. a weight gradient
 */
export function matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
  for (const [name, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!(t instanceof Tensor)) {
      throw new DTypeError(
        `matmul: ${name} must be a Tensor, got ${formatValue(t)} (use @mtl/autograd's matmul for Variables)`,
      );
    }
    if (t.rank === 0) {
      throw new ShapeError(
        `matmul: both operands need at least 1 dim, got ${name}.shape=[] (use mul for scalars)`,
      );
    }
  }
  const opts = checkOptions('matmul', options, ['transposeA', 'transposeB']);
  const transA = checkBoolean('matmul', 'transposeA', opts.transposeA, false);
  const transB = checkBoolean('matmul', 'transposeB', opts.transposeB, false);
  if (transA && a.rank === 1) {
    throw new ShapeError(
      `matmul: transposeA needs a with at least 2 dims, got a.shape=${formatShape(a.shape)} (a 1-d vector has no transpose; drop the flag)`,
    );
  }
  if (transB && b.rank === 1) {
    throw new ShapeError(
      `matmul: transposeB needs b with at least 2 dims, got b.shape=${formatShape(b.shape)} (a 1-d vector has no transpose; drop the flag)`,
    );
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === 'bool') {
    throw new DTypeError("matmul: bool tensors cannot be multiplied as matrices (cast with .to('float32'))");
  }
  const aShape = a.rank === 1 ? [1, a.shape[0]!] : a.shape;
  const bShape = b.rank === 1 ? [b.shape[0]!, 1] : b.shape;
  const aRows = aShape[aShape.length - 2]!;
  const aCols = aShape[aShape.length - 1]!;
  const bRows = bShape[bShape.length - 2]!;
  const bCols = bShape[bShape.length - 1]!;
  const [m, k] = transA ? [aCols, aRows] : [aRows, aCols];
  const [k2, n] = transB ? [bCols, bRows] : [bRows, bCols];
  if (k !== k2) {
    const aName = `a.shape=${formatShape(a.shape)}${transA ? ' (transposeA)' : ''}`;
    const bName = `b.shape=${formatShape(b.shape)}${transB ? ' (transposeB)' : ''}`;
    throw new ShapeError(`matmul: inner dimensions differ — ${aName}, ${bName} (${k} vs ${k2})`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  const shape = [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
  const out = allocateChecked('matmul', dtype, shape);
  const ad = cast(a, dtype);
  const bd = cast(b, dtype);
  batchedMatmul(ad, aBatch, bd, bBatch, out, batch, m, k, n, transA, transB);
  if (dtype === 'int32') {
    // The int32 kernel wraps modulo 2^32; a float64 product tells whether it had to (int32.ts).
    const approx = new Float64Array(out.length);
    batchedMatmul(
      cast(a, 'float64'),
      aBatch,
      cast(b, 'float64'),
      bBatch,
      approx,
      batch,
      m,
      k,
      n,
      transA,
      transB,
    );
    checkInt32Product(out as Int32Array, approx);
  }
  return new Tensor(out, shape, dtype);
}

/** Product of two 1-d tensors of equal length, as a 0-d tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.rank !== 1 || b.rank !== 1) {
    throw new ShapeError(
      `dot: expects two 1-d tensors, got a.shape=${shapeOf(a)}, b.shape=${shapeOf(b)} (use matmul for matrices)`,
    );
  }
  if (a.size !== b.size) {
    throw new ShapeError(
      `dot: lengths differ — a.shape=${formatShape(a.shape)}, b.shape=${formatShape(b.shape)}`,
    );
  }
  return matmul(a, b);
}

/** Outer product of two 1-d tensors: out[i][j] = a[i]·b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.rank !== 1 || b.rank !== 1) {
    throw new ShapeError(`outer: expects two 1-d tensors, got a.shape=${shapeOf(a)}, b.shape=${shapeOf(b)}`);
  }
  return matmul(a.reshape([a.size, 1]), b.reshape([1, b.size]));
}

function shapeOf(t: unknown): string {
  return t instanceof Tensor ? formatShape(t.shape) : formatValue(t);
}

/**
 * The wrapped int32 result W equals the exact one E (mod 2^32); the float64 result A is within
 * a rounding error δ of E (δ < 2^31 for any inner size below 2^20). So W is exact when
 * |W − A| ≤ 2^31, and otherwise E does not fit int32 — which the int32 rule makes an error.
 */
function checkInt32Product(wrapped: Int32Array, approx: Float64Array): void {
  for (let i = 0; i < wrapped.length; i++) {
    if (!(Math.abs(wrapped[i]! - approx[i]!) <= 2 ** 31)) {
      throw int32Error('matmul', `the int32 result at flat index ${i}`, approx[i]!);
    }
  }
}

type NumericArray = Float32Array | Float64Array | Int32Array;

function cast(t: Tensor, dtype: DType): NumericArray {
  return (t.dtype === dtype ? t.data : t.to(dtype).data) as NumericArray;
}

/**
 * Runs the kernel once per output batch element, reading each operand through broadcast strides
 * (its stored matrices are m×k or k×m for a, k×n or n×k for b: the same size either way).
 */
function batchedMatmul(
  a: NumericArray,
  aBatch: readonly number[],
  b: NumericArray,
  bBatch: readonly number[],
  out: ReturnType<typeof allocate>,
  batch: readonly number[],
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const count = sizeOf(batch);
  if (count > 1 && !transA && sizeOf(bBatch) === 1) {
    // One right-hand matrix for every batch element, and the left-hand ones are contiguous rows:
    // a single [count·m, k]·[k, n] product (one call, one copy of b, better-filled tiles).
    matmulKernel(a, 0, b as never, 0, out as never, 0, count * m, k, n, false, transB);
    return;
  }
  const aStrides = broadcastStrides(aBatch, batch);
  const bStrides = broadcastStrides(bBatch, batch);
  const index = new Array<number>(batch.length).fill(0);
  let aMatrix = 0;
  let bMatrix = 0;
  for (let i = 0; i < count; i++) {
    matmulKernel(
      a,
      aMatrix * m * k,
      b as never,
      bMatrix * k * n,
      out as never,
      i * m * n,
      m,
      k,
      n,
      transA,
      transB,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      aMatrix += aStrides[d]!;
      bMatrix += bStrides[d]!;
      if (++index[d]! < batch[d]!) break;
      aMatrix -= aStrides[d]! * batch[d]!;
      bMatrix -= bStrides[d]! * batch[d]!;
      index[d] = 0;
    }
  }
}
