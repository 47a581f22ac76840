import { checkFinite, checkMatrixSize, transpose } from './helpers';
import { type LuFactors, luFactor } from './luFactor';

/** Options of {@link luSolve}. */
export interface LuSolveOptions {
  /**
   * Solve Mᵀ·X = B instead of M·X = B, where M is the factored matrix (torch.linalg.lu_solve's
   * `adjoint`, which for real matrices is the transpose). Default false.
   */
  adjoint?: boolean;
}

/**
 * Solves M·X = B (or Mᵀ·X = B with `adjoint`) given the LU factors P·M = L·U from
 * {@link luFactor}; `b` is n×nrhs row-major and is not modified. Returns X, n×nrhs row-major.
 */
export function luSolve(
  factors: LuFactors,
  b: Float64Array,
  nrhs: number,
  options: LuSolveOptions = {},
): Float64Array {
  const { n } = factors;
  checkMatrixSize('luSolve', 'b', b, n, nrhs);
  const x = Float64Array.from(b);
  if (options.adjoint) {
    // Mᵀ = Uᵀ·Lᵀ·P: solve with Uᵀ (lower), then Lᵀ (unit upper), then undo P.
    solveUpperTransposed(factors, x, nrhs);
    solveUnitLowerTransposed(factors, x, nrhs);
    for (let k = n - 1; k >= 0; k--) swapRows(x, nrhs, k, factors.pivots[k]!);
  } else {
    // M = Pᵀ·L·U: apply P (the swaps in the order they were made), then L, then U.
    for (let k = 0; k < n; k++) swapRows(x, nrhs, k, factors.pivots[k]!);
    solveUnitLower(factors, x, nrhs);
    solveUpper(factors, x, nrhs);
  }
  return x;
}

/**
 * Solves A·X = B for X, with A n×n and B n×nrhs, both row-major (like torch.linalg.solve with a
 * matrix right-hand side). Returns X, n×nrhs row-major; the inputs are not modified.
 *
 * Throws LinAlgError when A is singular (an exactly zero pivot, see below) or when A or B holds
 * NaN or ±Infinity, and ShapeError when the array lengths do not match the sizes.
 *
 * Like torch 1.13 on a row-major tensor, this factors Aᵀ (what column-major LAPACK sees in
 * row-major memory) and solves the transposed system, so singular matrices are reported in the
 * same cases as torch: [[1,2,3],[4,5,6],[7,8,9]] has an exactly zero pivot that way (torch
 * raises) but only a 1e-16 one when A itself is factored. A tiny nonzero pivot is accepted, as
 * in LAPACK; the answer of a nearly singular system is then correspondingly inaccurate.
 */
export function solve(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  checkMatrixSize('solve', 'a', a, n, n);
  checkMatrixSize('solve', 'b', b, n, nrhs);
  checkFinite('solve', 'a', a, n, n);
  checkFinite('solve', 'b', b, n, nrhs);
  return luSolve(luFactor(transpose(a, n, n), n, { opName: 'solve' }), b, nrhs, { adjoint: true });
}

function swapRows(x: Float64Array, nrhs: number, k: number, p: number): void {
  if (p === k) return;
  const rk = k * nrhs;
  const rp = p * nrhs;
  for (let j = 0; j < nrhs; j++) {
    const t = x[rk + j]!;
    x[rk + j] = x[rp + j]!;
    x[rp + j] = t;
  }
}

// The four triangular solves work a whole row of right-hand sides at a time, so their inner
// loops run along contiguous memory.

/** x ← L⁻¹x, L the unit lower triangle of the factors. */
function solveUnitLower({ lu, n }: LuFactors, x: Float64Array, nrhs: number): void {
  for (let i = 1; i < n; i++) {
    const ri = i * nrhs;
    for (let k = 0; k < i; k++) {
      const l = lu[i * n + k]!;
      if (l === 0) continue;
      const rk = k * nrhs;
      for (let j = 0; j < nrhs; j++) x[ri + j] = x[ri + j]! - l * x[rk + j]!;
    }
  }
}

/** x ← U⁻¹x, U the upper triangle of the factors. */
function solveUpper({ lu, n }: LuFactors, x: Float64Array, nrhs: number): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * nrhs;
    for (let k = i + 1; k < n; k++) {
      const u = lu[i * n + k]!;
      if (u === 0) continue;
      const rk = k * nrhs;
      for (let j = 0; j < nrhs; j++) x[ri + j] = x[ri + j]! - u * x[rk + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < nrhs; j++) x[ri + j] = x[ri + j]! / d;
  }
}

/** x ← U⁻ᵀx: Uᵀ is lower triangular, so this is a forward substitution. */
function solveUpperTransposed({ lu, n }: LuFactors, x: Float64Array, nrhs: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * nrhs;
    for (let k = 0; k < i; k++) {
      const u = lu[k * n + i]!;
      if (u === 0) continue;
      const rk = k * nrhs;
      for (let j = 0; j < nrhs; j++) x[ri + j] = x[ri + j]! - u * x[rk + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < nrhs; j++) x[ri + j] = x[ri + j]! / d;
  }
}

/** x ← L⁻ᵀx: Lᵀ is unit upper triangular, so this is a back substitution. */
function solveUnitLowerTransposed({ lu, n }: LuFactors, x: Float64Array, nrhs: number): void {
  for (let i = n - 2; i >= 0; i--) {
    const ri = i * nrhs;
    for (let k = i + 1; k < n; k++) {
      const l = lu[k * n + i]!;
      if (l === 0) continue;
      const rk = k * nrhs;
      for (let j = 0; j < nrhs; j++) x[ri + j] = x[ri + j]! - l * x[rk + j]!;
    }
  }
}
