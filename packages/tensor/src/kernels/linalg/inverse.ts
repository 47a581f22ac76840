import { checkFinite, checkMatrixSize, transpose } from './helpers';
import { luFactor } from './luFactor';
import { luSolve } from './luSolve';

/**
 * The inverse of the n×n row-major matrix `a` (like torch.linalg.inv), as a new n×n row-major
 * array; `a` is not modified.
 *
 * Computed as torch 1.13 does, by solving A·X = I through an LU factorisation (with partial
 * pivoting) of Aᵀ, so a matrix is reported singular in the same cases: when a pivot is exactly
 * zero (see `solve`). Throws LinAlgError then, or when `a` holds NaN or ±Infinity; the message
 * suggests pinv, which is defined for every matrix.
 */
export function inverse(a: Float64Array, n: number): Float64Array {
  checkMatrixSize('inv', 'a', a, n, n);
  checkFinite('inv', 'a', a, n, n);
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  return luSolve(luFactor(transpose(a, n, n), n, { opName: 'inv' }), identity, n, { adjoint: true });
}
