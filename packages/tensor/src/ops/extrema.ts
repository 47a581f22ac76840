import { getKernel, KERNELS } from '../backend/registry';
import { formatValue, IndexError } from '../errors';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';
import {
  type Dims,
  foldReduction,
  planReduction,
  type ReduceOptions,
  readKeepDim,
  requireNonEmpty,
} from './reduction';
import { reshape } from './reshape';

/*
 * Largest and smallest values, and where they are. NaN wins over every number, as in PyTorch.
 * `max`/`min` return the values only (like `torch.amax`); `argmax`/`argmin` the int32 indices.
 */

const larger = (acc: number, v: number) => (Number.isNaN(acc) || v <= acc ? acc : v);
const smaller = (acc: number, v: number) => (Number.isNaN(acc) || v >= acc ? acc : v);

/** Largest value over `dim` (all dims by default). */
export function amax(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  return extreme('amax', x, dim, options, true);
}

/** Smallest value over `dim` (all dims by default). */
export function amin(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  return extreme('amin', x, dim, options, false);
}

/** Largest value over `dim` (all dims by default); the same as `amax`. */
export function max(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  return extreme('max', x, dim, options, true);
}

/** Smallest value over `dim` (all dims by default); the same as `amin`. */
export function min(x: Tensor, dim?: Dims, options?: ReduceOptions): Tensor {
  return extreme('min', x, dim, options, false);
}

function extreme(
  op: string,
  x: Tensor,
  dim: Dims,
  options: ReduceOptions | undefined,
  largest: boolean,
): Tensor {
  const plan = planReduction(op, x, dim, readKeepDim(op, options));
  requireNonEmpty(op, x, plan);
  return largest
    ? foldReduction(op, plan, x.dtype, Number.NEGATIVE_INFINITY, larger, 'max')
    : foldReduction(op, plan, x.dtype, Number.POSITIVE_INFINITY, smaller, 'min');
}

/** Index of the first largest value along `dim`, or in the flattened tensor when dim is omitted. */
export function argmax(x: Tensor, dim?: number | null, options?: ReduceOptions): Tensor {
  return argExtreme('argmax', x, dim, options, true);
}

/** Index of the first smallest value along `dim`, or in the flattened tensor when dim is omitted. */
export function argmin(x: Tensor, dim?: number | null, options?: ReduceOptions): Tensor {
  return argExtreme('argmin', x, dim, options, false);
}

function argExtreme(
  op: string,
  x: Tensor,
  dim: number | null | undefined,
  options: ReduceOptions | undefined,
  largest: boolean,
): Tensor {
  requireTensor(op, 'x', x);
  const keepDim = readKeepDim(op, options);
  if (dim !== undefined && dim !== null && typeof dim !== 'number')
    throw new IndexError(`${op}: dim must be a single integer (or omitted) — got ${formatValue(dim)}`);
  const flat = dim === undefined || dim === null;
  const source = flat ? reshape(x, [x.size]) : x;
  const plan = planReduction(op, source, flat ? 0 : dim, keepDim && !flat);
  requireNonEmpty(op, x, plan);
  const out = new Int32Array(plan.lanes.outer * plan.lanes.inner);
  getKernel(KERNELS.argReduce)(plan.data, plan.lanes, out, largest);
  const shape = flat ? (keepDim ? x.shape.map(() => 1) : []) : plan.shape;
  return new Tensor(out, shape, 'int32');
}
