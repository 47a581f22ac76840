import {
  abs,
  amax as amaxOp,
  argmax as argmaxOp,
  argmin as argminOp,
  checkBoolean,
  checkChoice,
  checkOptions,
  type Dims,
  DTypeError,
  eq,
  type NormOrder,
  normalizeDim,
  normalizeDims,
  type OptionKeys,
  optionKeys,
  type ReduceOptions,
  type SquaredErrorOptions,
  type Tensor,
  type VarianceOptions,
  where as whereOp,
} from '@mtl/tensor';
import { apply, type VariableLike } from '../apply';
import type { Variable } from '../Variable';
import { requireDims, requireInteger, requireTensorLike } from '../validate';
import { add, div, exp, log, mul, sub } from './elementwise';
import { reshape } from './shapes';

/*
 * Differentiable reductions. sum, prod, amax, amin, max/min along a dim and norm are primitives;
 * mean, variance, std, logsumexp, softmax and logSoftmax are built from primitives, with the
 * max shift of the stable forms taken as a constant (its gradient cancels exactly).
 */

function dimParam(dim: Dims): number | number[] | undefined {
  return dim === undefined || dim === null ? undefined : typeof dim === 'number' ? dim : [...dim];
}

function tensorOf(op: string, x: VariableLike): Tensor {
  return requireTensorLike(op, 'x', x);
}

const REDUCE_OPTIONS = optionKeys<ReduceOptions>({ keepDim: true });
const VARIANCE_OPTIONS = optionKeys<VarianceOptions>({ keepDim: true, unbiased: true });
const SQUARED_ERROR_OPTIONS = optionKeys<SquaredErrorOptions>({ reduction: true });

/**
 * Checks a reduction's x, dim and options (only `keepDim`, plus `unbiased` for variance and std),
 * and returns the options.
 */
function reduceArgs<O extends ReduceOptions>(
  op: string,
  x: VariableLike,
  dim: unknown,
  options: O | undefined,
  known: OptionKeys<O>,
): O {
  requireTensorLike(op, 'x', x);
  requireDims(op, dim);
  const o = checkOptions(op, options, known);
  checkBoolean(op, 'keepDim', o.keepDim, false);
  return o;
}

export function sum(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('sum', x, dim, options, REDUCE_OPTIONS);
  return apply('sum', [x], { dim: dimParam(dim), keepDim });
}

export function prod(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('prod', x, dim, options, REDUCE_OPTIONS);
  return apply('prod', [x], { dim: dimParam(dim), keepDim });
}

export function mean(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('mean', x, dim, options, REDUCE_OPTIONS);
  const t = tensorOf('mean', x);
  requireFloat('mean', t);
  return div(sum(x, dim, { keepDim }), reducedCount('mean', t.shape, dim));
}

/** The gradient is shared evenly among tied maxima, as `torch.amax`. */
export function amax(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('amax', x, dim, options, REDUCE_OPTIONS);
  return apply('amax', [x], { dim: dimParam(dim), keepDim });
}

/** The gradient is shared evenly among tied minima, as `torch.amin`. */
export function amin(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('amin', x, dim, options, REDUCE_OPTIONS);
  return apply('amin', [x], { dim: dimParam(dim), keepDim });
}

/**
 * Largest values. Over everything or a list of dims the gradient is shared among ties (as
 * `torch.max()`/`torch.amax`); along one dim it goes to the first maximum (as `torch.max(x, dim)`).
 */
export function max(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('max', x, dim, options, REDUCE_OPTIONS);
  if (typeof dim !== 'number') return amax(x, dim, { keepDim });
  return apply('maxDim', [x], { dim, keepDim, largest: true });
}

/** Smallest values; ties as in `max`. */
export function min(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('min', x, dim, options, REDUCE_OPTIONS);
  if (typeof dim !== 'number') return amin(x, dim, { keepDim });
  return apply('maxDim', [x], { dim, keepDim, largest: false });
}

/** Indices of the maxima: not differentiable, so a plain int32 Tensor. */
export function argmax(x: VariableLike, dim?: number | null, options: ReduceOptions = {}): Tensor {
  reduceArgs('argmax', x, dim, options, REDUCE_OPTIONS);
  requireInteger('argmax', 'dim', dim, true);
  return argmaxOp(tensorOf('argmax', x), dim, options);
}

/** Indices of the minima: not differentiable, so a plain int32 Tensor. */
export function argmin(x: VariableLike, dim?: number | null, options: ReduceOptions = {}): Tensor {
  reduceArgs('argmin', x, dim, options, REDUCE_OPTIONS);
  requireInteger('argmin', 'dim', dim, true);
  return argminOp(tensorOf('argmin', x), dim, options);
}

/** Variance from the two-pass form Σ(x − mean)²/(N − 1) (or /N when unbiased is false). */
export function variance(x: VariableLike, dim?: Dims, options: VarianceOptions = {}): Variable {
  const { unbiased = true, keepDim = false } = reduceArgs('variance', x, dim, options, VARIANCE_OPTIONS);
  checkBoolean('variance', 'unbiased', unbiased, false);
  const t = tensorOf('variance', x);
  requireFloat('variance', t);
  const n = reducedCount('variance', t.shape, dim);
  const deviation = sub(x, mean(x, dim, { keepDim: true }));
  return div(sum(mul(deviation, deviation), dim, { keepDim }), Math.max(unbiased ? n - 1 : n, 0));
}

/**
 * mean((a − b)²), or the sum with `{ reduction: 'sum' }`: PyTorch's `mse_loss` as one op (a and
 * b of one shape and float dtype), with the numbers and gradients of the composite, bit for bit.
 */
export function squaredError(a: VariableLike, b: VariableLike, options: SquaredErrorOptions = {}): Variable {
  const { reduction: r } = checkOptions('squaredError', options, SQUARED_ERROR_OPTIONS);
  const reduction = checkChoice('squaredError', 'reduction', r, ['mean', 'sum'], 'mean');
  return apply('squaredError', [a, b], { reduction });
}

/** Standard deviation; its gradient is 0 where the deviation is 0, as in PyTorch. */
export function std(x: VariableLike, dim?: Dims, options: VarianceOptions = {}): Variable {
  const { unbiased = true, keepDim = false } = reduceArgs('std', x, dim, options, VARIANCE_OPTIONS);
  checkBoolean('std', 'unbiased', unbiased, false);
  return apply('std', [x], { dim: dimParam(dim), unbiased, keepDim });
}

/** The vector p-norm (`torch.linalg.vector_norm`); its gradient at the zero vector is 0. */
export function norm(x: VariableLike, p: NormOrder = 2, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('norm', x, dim, options, REDUCE_OPTIONS);
  if (!(typeof p === 'number' && !Number.isNaN(p)))
    checkChoice('norm', 'p', p, ['inf', '-inf', 'fro'], 'inf');
  return apply('norm', [x], { p, dim: dimParam(dim), keepDim });
}

/** log Σ exp(x), stable: the max (0 where infinite) is shifted out as a constant. */
export function logsumexp(x: VariableLike, dim?: Dims, options: ReduceOptions = {}): Variable {
  const { keepDim = false } = reduceArgs('logsumexp', x, dim, options, REDUCE_OPTIONS);
  const t = tensorOf('logsumexp', x);
  const dims = normalizeDims('logsumexp', dim, t.shape);
  if (dims.length === 0 && t.rank > 0) {
    // An explicit empty list: let the reduction refuse it with its own message.
    amaxOp(t, dims);
  }
  // A 0-d tensor reduces over "all of its (no) dims": reduce everything rather than an empty list.
  const over = dims.length === 0 ? undefined : dims;
  const m = amaxOp(t.to(t.dtype === 'float64' ? 'float64' : 'float32'), over, { keepDim: true });
  const shift = whereOp(eq(abs(m), Number.POSITIVE_INFINITY), 0, m);
  const out = add(log(sum(exp(sub(x, shift)), over, { keepDim: true })), shift);
  return keepDim
    ? out
    : reshape(
        out,
        t.shape.filter((_, i) => !dims.includes(i)),
      );
}

/** exp(x)/Σexp(x) along dim, with the max shifted out as a constant. */
export function softmax(x: VariableLike, dim: number): Variable {
  const t = tensorOf('softmax', x);
  requireInteger('softmax', 'dim', dim);
  normalizeDim('softmax', dim, t.rank, t.shape);
  const e = exp(sub(x, amaxOp(t, dim, { keepDim: true })));
  return div(e, sum(e, dim, { keepDim: true }));
}

/** x − log Σ exp(x) along dim, with the max shifted out as a constant. */
export function logSoftmax(x: VariableLike, dim: number): Variable {
  const t = tensorOf('logSoftmax', x);
  requireInteger('logSoftmax', 'dim', dim);
  normalizeDim('logSoftmax', dim, t.rank, t.shape);
  const shifted = sub(x, amaxOp(t, dim, { keepDim: true }));
  return sub(shifted, log(sum(exp(shifted), dim, { keepDim: true })));
}

function reducedCount(op: string, shape: readonly number[], dim: Dims): number {
  return normalizeDims(op, dim, shape).reduce((n, d) => n * shape[d]!, 1);
}

function requireFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new DTypeError(
      `${op}: x has dtype ${t.dtype}, expected float32 or float64 (cast first: x.to('float32'))`,
    );
  }
}
