import { type AllCloseOptions, allClose } from './allClose';
import { allocate, type DType, dtypeOfArray, isBackingArray, isDType, type TypedArray } from './dtype';
import { DTypeError, formatShape, formatValue, IndexError, ShapeError, ValueError } from './errors';
import { formatTensor } from './format';
import { INT32_MAX, INT32_MIN } from './int32';
import { elu, gelu, leakyRelu, relu, silu, softplus } from './ops/activations';
import { add } from './ops/add';
import type { TensorLike } from './ops/binary';
import { clamp } from './ops/clamp';
import { eq, ge, gt, le, lt, ne } from './ops/comparison';
import { div } from './ops/div';
import { broadcastTo, expand } from './ops/expand';
import { amax, amin, argmax, argmin, max, min } from './ops/extrema';
import { gather, indexSelect, oneHot } from './ops/gather';
import { eigh, inv, pinv, solve } from './ops/linalg';
import { type LinearOptions, linear } from './ops/linear';
import { logicalAnd, logicalNot, logicalOr, logicalXor } from './ops/logical';
import { logsumexp } from './ops/logsumexp';
import { maskedFill } from './ops/maskedFill';
import {
  abs,
  cos,
  erf,
  exp,
  expm1,
  log,
  log1p,
  neg,
  reciprocal,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './ops/math';
import { dot, type MatmulOptions, matmul, outer } from './ops/matmul';
import { maximum } from './ops/maximum';
import { mean } from './ops/mean';
import { minimum } from './ops/minimum';
import { mul } from './ops/mul';
import { type NormOrder, norm } from './ops/norm';
import { permute, transpose } from './ops/permute';
import { pow } from './ops/pow';
import { prod } from './ops/prod';
import type { Dims, ReduceOptions } from './ops/reduction';
import { flatten, reshape } from './ops/reshape';
import { indexAdd, scatterAdd, sliceScatter } from './ops/scatter';
import { narrow, select, slice } from './ops/slice';
import { logSoftmax, softmax } from './ops/softmax';
import { chunk, split } from './ops/split';
import { squeeze, unsqueeze } from './ops/squeeze';
import { sub } from './ops/sub';
import { sum } from './ops/sum';
import { std, type VarianceOptions, variance } from './ops/variance';
import { where } from './ops/where';
import { sizeOf } from './shape';
import { requireDType, requireShape } from './validate';

/** A nested JS array of a tensor's values, as `toArray()` returns it. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array: a contiguous, row-major typed array with a shape and a dtype.
 *
 * Tensors are values: every op returns a new tensor and leaves its inputs alone (shape-only ops
 * such as `reshape` may share the backing array, like PyTorch views). Memory is the garbage
 * collector's; there is nothing to dispose. Every op is also a method: `a.add(b)` is `add(a, b)`.
 */
export class Tensor {
  /** The backing array, row-major and contiguous; bool tensors store 0/1 bytes. */
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;

  /**
   * Wraps `data` (taking it over, not copying it) as a tensor of `shape`. The dtype follows from
   * the array type (Uint8Array is bool) unless given. Most code wants `tensor(...)` instead.
   */
  constructor(data: TypedArray, shape: readonly number[], dtype?: DType) {
    if (!isBackingArray(data)) {
      throw new DTypeError(
        `Tensor: data must be a Float32Array, Float64Array, Int32Array or Uint8Array (bool) — got ${formatValue(data)} (for arrays use tensor(...))`,
      );
    }
    dtype = requireDType('Tensor', 'dtype', dtype, dtypeOfArray(data));
    if (dtypeOfArray(data) !== dtype) {
      throw new DTypeError(`Tensor: a ${data.constructor.name} cannot back a ${dtype} tensor`);
    }
    shape = requireShape('Tensor', 'shape', shape);
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new ShapeError(
        `Tensor: shape ${formatShape(shape)} needs ${size} elements, but data has ${data.length}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze(shape as number[]);
    this.dtype = dtype;
    this.size = size;
  }

  /** Number of dims. */
  get rank(): number {
    return this.shape.length;
  }

  /** The values as nested JS arrays (a number for a 0-d tensor); bools come back as booleans. */
  toArray(): NestedArray {
    const { data, shape, dtype } = this;
    const value = (i: number): number | boolean => (dtype === 'bool' ? data[i] !== 0 : data[i]!);
    if (shape.length === 0) return value(0);
    let offset = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]!; i++) out.push(d === shape.length - 1 ? value(offset++) : build(d + 1));
      return out;
    };
    return build(0);
  }

  /** The single value of a one-element tensor (bools as 0 or 1). */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        `item: only a one-element tensor has an item, got shape ${formatShape(this.shape)} (${this.size} elements)`,
      );
    }
    return this.data[0]!;
  }

  /** A copy with its own data. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, this.dtype);
  }

  /**
   * This tensor in another dtype (itself if the dtype is the same). Floats become int32 by
   * truncation toward zero; anything nonzero becomes true.
   */
  to(dtype: DType): Tensor {
    if (!isDType(dtype)) {
      throw new DTypeError(
        `to: dtype must be 'float32', 'float64', 'int32' or 'bool' — got ${formatValue(dtype)}`,
      );
    }
    if (dtype === this.dtype) return this;
    const out = allocate(dtype, this.size);
    if (dtype === 'bool') {
      for (let i = 0; i < out.length; i++) out[i] = this.data[i] !== 0 ? 1 : 0;
    } else if (dtype === 'int32') {
      // Truncate toward zero like C and PyTorch; where C is undefined (NaN, ±Infinity, out of
      // range) we refuse rather than invent a value (see the int32 rule in int32.ts).
      const data = this.data;
      for (let i = 0; i < out.length; i++) {
        const v = Math.trunc(data[i]!);
        if (!(v >= INT32_MIN && v <= INT32_MAX)) {
          throw new ValueError(
            `to: element ${i} (${formatValue(data[i])}) does not fit int32 [-2^31, 2^31 - 1] (keep it in float64, or clamp first)`,
          );
        }
        out[i] = v;
      }
    } else {
      out.set(this.data);
    }
    return new Tensor(out, this.shape, dtype);
  }

  /** Prints like PyTorch: `tensor([[1.0000, 2.0000]], dtype=float64)`, summarised when large. */
  toString(): string {
    return formatTensor(this.data, this.shape, this.dtype);
  }

  /** The value at the given indices (one per dim; negative ones count from the end). */
  get(...indices: number[]): number {
    if (indices.length !== this.rank) {
      throw new IndexError(
        `get: expected ${this.rank} indices for shape ${formatShape(this.shape)}, got ${indices.length}`,
      );
    }
    let offset = 0;
    for (let d = 0; d < indices.length; d++) {
      const size = this.shape[d]!;
      const i = indices[d]!;
      if (typeof i !== 'number' || !Number.isInteger(i) || i < -size || i >= size) {
        throw new IndexError(
          `get: index ${formatValue(i)} is out of bounds for dim ${d} of shape ${formatShape(this.shape)} (indices are integers in [-size, size))`,
        );
      }
      offset = offset * size + (i < 0 ? i + size : i);
    }
    return this.data[offset]!;
  }

  // Elementwise arithmetic.
  add(other: TensorLike): Tensor {
    return add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return minimum(this, other);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return clamp(this, min, max);
  }

  // Elementwise math.
  neg(): Tensor {
    return neg(this);
  }
  abs(): Tensor {
    return abs(this);
  }
  sign(): Tensor {
    return sign(this);
  }
  square(): Tensor {
    return square(this);
  }
  exp(): Tensor {
    return exp(this);
  }
  expm1(): Tensor {
    return expm1(this);
  }
  log(): Tensor {
    return log(this);
  }
  log1p(): Tensor {
    return log1p(this);
  }
  sqrt(): Tensor {
    return sqrt(this);
  }
  rsqrt(): Tensor {
    return rsqrt(this);
  }
  reciprocal(): Tensor {
    return reciprocal(this);
  }
  sin(): Tensor {
    return sin(this);
  }
  cos(): Tensor {
    return cos(this);
  }
  tanh(): Tensor {
    return tanh(this);
  }
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  erf(): Tensor {
    return erf(this);
  }

  // Activations.
  relu(): Tensor {
    return relu(this);
  }
  leakyRelu(negativeSlope?: number): Tensor {
    return leakyRelu(this, negativeSlope);
  }
  elu(alpha?: number): Tensor {
    return elu(this, alpha);
  }
  gelu(options?: { approximate?: 'none' | 'tanh' }): Tensor {
    return gelu(this, options);
  }
  silu(): Tensor {
    return silu(this);
  }
  softplus(options?: { beta?: number; threshold?: number }): Tensor {
    return softplus(this, options);
  }

  // Comparisons and logic.
  eq(other: TensorLike): Tensor {
    return eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return logicalOr(this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return logicalNot(this);
  }
  /** `where(cond, this, other)`, as PyTorch's `x.where(cond, y)`. */
  where(cond: TensorLike, other: TensorLike): Tensor {
    return where(cond, this, other);
  }
  maskedFill(mask: TensorLike, value: number | boolean): Tensor {
    return maskedFill(this, mask, value);
  }
  allClose(other: Tensor, options?: AllCloseOptions): boolean {
    return allClose(this, other, options);
  }

  // Reductions.
  sum(dim?: Dims, options?: ReduceOptions): Tensor {
    return sum(this, dim, options);
  }
  mean(dim?: Dims, options?: ReduceOptions): Tensor {
    return mean(this, dim, options);
  }
  prod(dim?: Dims, options?: ReduceOptions): Tensor {
    return prod(this, dim, options);
  }
  max(dim?: Dims, options?: ReduceOptions): Tensor {
    return max(this, dim, options);
  }
  min(dim?: Dims, options?: ReduceOptions): Tensor {
    return min(this, dim, options);
  }
  amax(dim?: Dims, options?: ReduceOptions): Tensor {
    return amax(this, dim, options);
  }
  amin(dim?: Dims, options?: ReduceOptions): Tensor {
    return amin(this, dim, options);
  }
  argmax(dim?: number | null, options?: ReduceOptions): Tensor {
    return argmax(this, dim, options);
  }
  argmin(dim?: number | null, options?: ReduceOptions): Tensor {
    return argmin(this, dim, options);
  }
  variance(dim?: Dims, options?: VarianceOptions): Tensor {
    return variance(this, dim, options);
  }
  std(dim?: Dims, options?: VarianceOptions): Tensor {
    return std(this, dim, options);
  }
  logsumexp(dim?: Dims, options?: ReduceOptions): Tensor {
    return logsumexp(this, dim, options);
  }
  norm(p?: NormOrder, dim?: Dims, options?: ReduceOptions): Tensor {
    return norm(this, p, dim, options);
  }
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  }

  // Linear algebra.
  matmul(other: Tensor, options?: MatmulOptions): Tensor {
    return matmul(this, other, options);
  }
  /** act(this·weightᵀ + bias): see {@link linear}. */
  linear(weight: Tensor, bias?: Tensor | null, options?: LinearOptions): Tensor {
    return linear(this, weight, bias, options);
  }
  dot(other: Tensor): Tensor {
    return dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return outer(this, other);
  }
  solve(b: Tensor): Tensor {
    return solve(this, b);
  }
  inv(): Tensor {
    return inv(this);
  }
  pinv(options?: { rtol?: number; atol?: number }): Tensor {
    return pinv(this, options);
  }
  eigh(): { eigenvalues: Tensor; eigenvectors: Tensor } {
    return eigh(this);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }
  permute(dims: readonly number[]): Tensor {
    return permute(this, dims);
  }

  // Shapes and indexing.
  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  flatten(startDim?: number, endDim?: number): Tensor {
    return flatten(this, startDim, endDim);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return unsqueeze(this, dim);
  }
  expand(shape: readonly number[]): Tensor {
    return expand(this, shape);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return broadcastTo(this, shape);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return slice(this, dim, start, end, step);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return select(this, dim, index);
  }
  split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim?: number): Tensor[] {
    return chunk(this, chunks, dim);
  }
  gather(dim: number, index: Tensor): Tensor {
    return gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexSelect(this, dim, index);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor): Tensor {
    return indexAdd(this, dim, index, source);
  }
  sliceScatter(src: Tensor, dim?: number, start?: number, end?: number, step?: number): Tensor {
    return sliceScatter(this, src, dim, start, end, step);
  }
  oneHot(numClasses?: number): Tensor {
    return oneHot(this, numClasses);
  }
}
