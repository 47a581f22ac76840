import { getKernel, KERNELS } from '../backend/registry';
import { DTypeError, formatShape, formatValue, ShapeError, ValueError } from '../errors';
import { Tensor } from '../Tensor';
import { requireTensor } from '../validate';

/*
 * Products over the rows of a matrix with few rows and long ones — the [T, d] Jacobian of T task
 * gradients that multi-task gradient methods combine — summed in float64. `matmul` would round
 * the sums to the input's dtype and, with so few rows, spend its time packing.
 */

/** x·xᵀ for a float [t, n] x, summed in float64: a float64 [t, t] tensor, exactly symmetric. */
export function rowGramian(x: Tensor): Tensor {
  const [t, n] = floatMatrix('rowGramian', x);
  const g = getKernel(KERNELS.rowProducts).gram(x.data as Float32Array | Float64Array, t, n);
  return new Tensor(g, [t, t], 'float64');
}

/**
 * Σᵢ weights[i]·x[i] for a float [t, n] x and t weights: an [n] tensor of x's dtype, each element
 * summed in float64 in row order and rounded once. A row whose weight is 0 is skipped, not
 * multiplied, so a non-finite row it would zero out stays out.
 */
export function rowCombination(x: Tensor, weights: ArrayLike<number>): Tensor {
  const [t, n] = floatMatrix('rowCombination', x);
  if (weights === null || typeof weights !== 'object' || weights.length !== t) {
    throw new ValueError(
      `rowCombination: weights must be ${t} numbers, one per row of x (shape ${formatShape(x.shape)}) — got ${formatValue(weights)}`,
    );
  }
  for (let i = 0; i < t; i++) {
    if (typeof weights[i] !== 'number') {
      throw new ValueError(`rowCombination: weights[${i}] must be a number — got ${formatValue(weights[i])}`);
    }
  }
  const out = x.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  getKernel(KERNELS.rowProducts).combine(x.data as Float32Array | Float64Array, weights, t, n, out);
  return new Tensor(out, [n], x.dtype);
}

/** x's [rows, columns], checked to be a float matrix. */
function floatMatrix(op: string, x: Tensor): [number, number] {
  requireTensor(op, 'x', x);
  if (x.rank !== 2)
    throw new ShapeError(`${op}: x must be a matrix [rows, columns], got x.shape=${formatShape(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(
      `${op}: x must be float32 or float64, got ${x.dtype} (convert with x.to('float32'))`,
    );
  }
  return [x.shape[0]!, x.shape[1]!];
}
