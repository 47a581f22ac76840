import { ValueError } from '../errors';
import { argReduceKernel } from '../kernels/reduce';
import { Tensor } from '../Tensor';
import { type Dims, foldReduction, planReduction, type ReduceOptions, requireNonEmpty } from './reduction';
import { reshape } from './reshape';

/*
 * Largest and smallest values, and where they are. NaN wins over every number, as in PyTorch.
 * `max`/`min` return the values only (like `torch.amax`); `argmax`/`argmin` the int32 indices.
 */

const larger = (acc: number, v: number) => (Number.isNaN(acc) || v <= acc ? acc : v);
const smaller = (acc: number, v: number) => (Number.isNaN(acc) || v >= acc ? acc : v);

/** Largest value over `dim` (all dims by default). */
export function amax(x: Tensor, dim?: Dims, { keepDim = false }: ReduceOptions = {}): Tensor {
  const plan = planReduction('amax', x, dim, keepDim);
  requireNonEmpty('amax', x, plan);
  return foldReduction(plan, x.dtype, Number.NEGATIVE_INFINITY, larger, 'max');
}

/** Smallest value over `dim` (all dims by default). */
export function amin(x: Tensor, dim?: Dims, { keepDim = false }: ReduceOptions = {}): Tensor {
  const plan = planReduction('amin', x, dim, keepDim);
  requireNonEmpty('amin', x, plan);
  return foldReduction(plan, x.dtype, Number.POSITIVE_INFINITY, smaller, 'min');
}

/** Largest value over `dim` (all dims by default); the same as `amax`. */
export function max(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return amax(x, dim, options);
}

/** Smallest value over `dim` (all dims by default); the same as `amin`. */
export function min(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return amin(x, dim, options);
}

/** Index of the first largest value along `dim`, or in the flattened tensor when dim is omitted. */
export function argmax(x: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  return argExtreme('argmax', x, dim, options, true);
}

/** Index of the first smallest value along `dim`, or in the flattened tensor when dim is omitted. */
export function argmin(x: Tensor, dim?: number | null, options: ReduceOptions = {}): Tensor {
  return argExtreme('argmin', x, dim, options, false);
}

function argExtreme(
  op: string,
  x: Tensor,
  dim: number | null | undefined,
  { keepDim = false }: ReduceOptions,
  largest: boolean,
): Tensor {
  if (Array.isArray(dim))
    throw new ValueError(`${op}: dim must be a single number (or omitted), got ${JSON.stringify(dim)}`);
  const flat = dim === undefined || dim === null;
  const source = flat ? reshape(x, [x.size]) : x;
  const plan = planReduction(op, source, flat ? 0 : dim, keepDim && !flat);
  requireNonEmpty(op, x, plan);
  const out = new Int32Array(plan.lanes.outer * plan.lanes.inner);
  argReduceKernel(plan.data, plan.lanes, out, largest);
  const shape = flat ? (keepDim ? x.shape.map(() => 1) : []) : plan.shape;
  return new Tensor(out, shape, 'int32');
}
