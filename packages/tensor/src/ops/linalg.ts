import { getKernel, KERNELS } from '../backend/registry';
import { checkOptions } from '../checks';
import { type DType, floatResult } from '../dtype';
import { DTypeError, formatShape, ShapeError } from '../errors';
import { Tensor } from '../Tensor';
import { requireNumber, requireTensor } from '../validate';

/*
 * Small dense linear algebra for the T×T matrices that gradient aggregation needs (T = number of
 * tasks). Every op computes in float64 and returns the input's floating dtype.
 */

/** Solves A·X = B for square A; B is [n] (a vector) or [n, k]. Singular A is a LinAlgError. */
export function solve(a: Tensor, b: Tensor): Tensor {
  const n = squareSize('solve', a);
  requireTensor('solve', 'b', b);
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== n) {
    throw new ShapeError(
      `solve: b must be [${n}] or [${n}, k] to match a.shape=${formatShape(a.shape)}, got b.shape=${formatShape(b.shape)}`,
    );
  }
  const dtype = resultDType('solve', a, b);
  const nrhs = b.rank === 1 ? 1 : b.shape[1]!;
  const x = getKernel(KERNELS.solve)(float64(a), n, float64(b), nrhs);
  return new Tensor(x, [...b.shape], 'float64').to(dtype);
}

/** The inverse of a square matrix. Singular input is a LinAlgError (use `pinv` instead). */
export function inv(a: Tensor): Tensor {
  const n = squareSize('inv', a);
  return new Tensor(getKernel(KERNELS.inverse)(float64(a), n), [n, n], 'float64').to(resultDType('inv', a));
}

/**
 * Eigen-decomposition of a symmetric matrix (only the lower triangle is read, as in
 * `torch.linalg.eigh`): eigenvalues ascending, eigenvectors as the columns of `eigenvectors`, each
 * signed so that its largest-magnitude component is positive.
 */
export function eigh(a: Tensor): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const n = squareSize('eigh', a);
  const dtype = resultDType('eigh', a);
  const { values, vectors } = getKernel(KERNELS.symmetricEigen)(float64(a), n);
  return {
    eigenvalues: new Tensor(values, [n], 'float64').to(dtype),
    eigenvectors: new Tensor(vectors, [n, n], 'float64').to(dtype),
  };
}

/**
 * Moore–Penrose pseudo-inverse of an m×n matrix via the SVD; singular values below
 * max(atol, rtol·σ_max) count as zero (default rtol = max(m, n)·ε, as in `torch.linalg.pinv`).
 */
export function pinv(a: Tensor, options?: { rtol?: number; atol?: number }): Tensor {
  requireTensor('pinv', 'a', a);
  const { rtol, atol } = checkOptions('pinv', options, ['rtol', 'atol']);
  if (rtol !== undefined) requireNumber('pinv', 'rtol', rtol, { min: 0 });
  if (atol !== undefined) requireNumber('pinv', 'atol', atol, { min: 0 });
  if (a.rank !== 2) {
    throw new ShapeError(`pinv: a must be a matrix (2-d), got a.shape=${formatShape(a.shape)}`);
  }
  const [m, n] = a.shape as [number, number];
  const dtype = resultDType('pinv', a);
  return new Tensor(getKernel(KERNELS.pseudoInverse)(float64(a), m, n, { rtol, atol }), [n, m], 'float64').to(
    dtype,
  );
}

function squareSize(op: string, a: Tensor): number {
  requireTensor(op, 'a', a);
  if (a.rank !== 2 || a.shape[0] !== a.shape[1]) {
    throw new ShapeError(`${op}: a must be a square matrix, got a.shape=${formatShape(a.shape)}`);
  }
  return a.shape[0]!;
}

function resultDType(op: string, ...xs: Tensor[]): DType {
  let dtype: DType = 'float32';
  for (const x of xs) {
    if (x.dtype === 'bool')
      throw new DTypeError(`${op}: bool tensors are not matrices of numbers (cast to float first)`);
    if (floatResult(x.dtype) === 'float64') dtype = 'float64';
  }
  return dtype;
}

function float64(t: Tensor): Float64Array {
  return t.dtype === 'float64' ? (t.data as Float64Array) : Float64Array.from(t.data);
}
