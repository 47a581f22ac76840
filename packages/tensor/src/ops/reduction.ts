import { getKernel, KERNELS } from '../backend/registry';
import { checkBoolean, checkOptions } from '../checks';
import { allocate, type DType, type TypedArray } from '../dtype';
import { formatShape, IndexError, ShapeError } from '../errors';
import { toInt32 } from '../int32';
import type { FoldKind, Lanes } from '../kernels/reduce';
import { normalizeDims, sizeOf } from '../shape';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import { permute } from './permute';

/** The `dim` argument of a reduction: one dim, several, or (undefined/null) all of them. */
export type Dims = number | readonly number[] | null | undefined;

export interface ReduceOptions {
  /** Keep reduced dims as size 1, so the result broadcasts against the input. Default false. */
  keepDim?: boolean;
}

/** Where a reduction reads from, viewed as [outer, length, inner], and the shape it produces. */
export interface Reduction {
  dims: number[];
  data: TypedArray;
  lanes: Lanes;
  shape: number[];
}

/**
 * Plans a reduction of x over `dim`. Reduced dims that sit next to each other are read in place;
 * otherwise they are first moved to the end (one copy), so the kernels see one layout.
 */
export function planReduction(op: string, x: Tensor, dim: Dims, keepDim = false): Reduction {
  requireTensor(op, 'x', x);
  if (Array.isArray(dim) && dim.length === 0) {
    throw new IndexError(
      `${op}: dim is an empty list, which PyTorch reads as every dim and NumPy as none — ` +
        'omit dim (or pass null) to reduce every dim, or skip the call to reduce none',
    );
  }
  const dims = normalizeDims(op, dim, x.shape);
  const shape = keepDim
    ? x.shape.map((s, i) => (dims.includes(i) ? 1 : s))
    : x.shape.filter((_, i) => !dims.includes(i));
  const length = sizeOf(dims.map((d) => x.shape[d]!));
  const first = dims[0] ?? 0;
  const adjacent = dims.every((d, i) => d === first + i);
  if (adjacent) {
    const outer = sizeOf(x.shape.slice(0, first));
    const inner = dims.length === 0 ? 1 : sizeOf(x.shape.slice(first + dims.length));
    return { dims, data: x.data, lanes: { outer, length, inner }, shape };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const moved = permute(x, [...kept, ...dims]);
  const outer = sizeOf(kept.map((i) => x.shape[i]!));
  return { dims, data: moved.data, lanes: { outer, length, inner: 1 }, shape };
}

/** The checked `keepDim` of a reduction's options (unknown keys and non-booleans are errors). */
export function readKeepDim(
  op: string,
  options: ReduceOptions | undefined,
  extra: readonly string[] = [],
): boolean {
  const opts = checkOptions(op, options, ['keepDim', ...extra]);
  return checkBoolean(op, 'keepDim', opts.keepDim, false);
}

/** Runs a fold over a planned reduction into a new tensor of `dtype` (`kind`: a built-in loop equal to `step`). */
export function foldReduction(
  op: string,
  plan: Reduction,
  dtype: DType,
  init: number,
  step: (acc: number, value: number) => number,
  kind?: FoldKind,
): Tensor {
  if (dtype === 'int32') {
    // Accumulate in float64 and check: an int32 sum or product that does not fit is an error (int32.ts).
    const exact = new Float64Array(sizeOf(plan.shape));
    getKernel(KERNELS.reduce)(plan.data, plan.lanes, exact, init, step, kind);
    return new Tensor(toInt32(op, exact), plan.shape, dtype);
  }
  const out = allocate(dtype, sizeOf(plan.shape));
  getKernel(KERNELS.reduce)(plan.data, plan.lanes, out, init, step, kind);
  return new Tensor(out, plan.shape, dtype);
}

/** Throws if the reduction covers no elements, for reductions with no identity (max, min…). */
export function requireNonEmpty(op: string, x: Tensor, plan: Reduction): void {
  if (plan.lanes.length === 0) {
    throw new ShapeError(
      `${op}: cannot reduce over a dim of size 0 in x.shape=${formatShape(x.shape)} ` +
        '(the reduction has no identity; pass a dim whose size is not 0)',
    );
  }
}
