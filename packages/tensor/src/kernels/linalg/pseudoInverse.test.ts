import { describe, expect, it } from 'vitest';
import { LinAlgError, ValueError } from '../../errors';
import { inverse } from './inverse';
import { pseudoInverse } from './pseudoInverse';
import { lcg, matmul, maxAbs, maxAbsDiff, randomMatrix, transposed } from './testUtils';

/**
 * The four Moore–Penrose conditions for X = A⁺ (A m×n, X n×m): AXA = A, XAX = X, (AX)ᵀ = AX,
 * (XA)ᵀ = XA. Returns the worst violation in units of the rounding error a backward-stable
 * computation may leave, ~max(m, n)·‖A‖·‖X‖ (which grows with the condition number).
 */
function penroseError(a: Float64Array, m: number, n: number): number {
  const x = pseudoInverse(a, m, n);
  expect(x.length).toBe(n * m);
  const ax = matmul(a, x, m, n, m);
  const xa = matmul(x, a, n, m, n);
  const normA = Math.max(maxAbs(a), Number.MIN_VALUE);
  const normX = Math.max(maxAbs(x), Number.MIN_VALUE);
  const unit = Math.max(m, n) * normA * normX;
  return Math.max(
    maxAbsDiff(matmul(ax, a, m, m, n), a) / (unit * normA),
    maxAbsDiff(matmul(xa, x, n, n, m), x) / (unit * normX),
    maxAbsDiff(transposed(ax, m, m), ax) / unit,
    maxAbsDiff(transposed(xa, n, n), xa) / unit,
  );
}

describe('pseudoInverse', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [8, 8],
    [32, 32],
    [5, 3],
    [3, 5],
  ])('satisfies the Moore–Penrose conditions for a random %i×%i matrix', (m, n) => {
    expect(penroseError(randomMatrix(lcg(600 + 31 * m + n), m, n), m, n)).toBeLessThan(1e-14);
  });

  it.each([
    [6, 4, 2],
    [4, 6, 2],
    [8, 8, 3],
    [5, 5, 1],
  ])('satisfies the Moore–Penrose conditions for a rank-deficient %i×%i matrix of rank %i', (m, n, r) => {
    const rand = lcg(700 + m + n + r);
    const a = matmul(randomMatrix(rand, m, r), randomMatrix(rand, r, n), m, r, n);
    expect(penroseError(a, m, n)).toBeLessThan(1e-14);
  });

  it('matches torch.linalg.pinv on a rank-deficient and a tall matrix', () => {
    const r = Float64Array.from([1, 2, 3, 4, 2, 4, 6, 8, 1, 0, 1, 0]);
    const wantR = [
      -0.009090909090908754, -0.018181818181818347, 0.5909090909090909, 0.018181818181818087,
      0.036363636363636424, -0.18181818181818205, 0.009090909090909321, 0.018181818181818066,
      0.40909090909090917, 0.03636363636363617, 0.07272727272727283, -0.3636363636363637,
    ];
    expect(maxAbsDiff(pseudoInverse(r, 3, 4), wantR)).toBeLessThan(1e-12);
    const t = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8.5]);
    const wantT = [
      -1.2962962962962923, -0.4814814814814773, 0.33333333333333287, 0.29629629629629395, 1.061728395061725,
      0.4197530864197495, -0.22222222222222174, -0.1728395061728375,
    ];
    expect(maxAbsDiff(pseudoInverse(t, 4, 2), wantT)).toBeLessThan(1e-12);
  });

  it('applies the cutoff max(atol, rtol·σ_max) with torch 1.13 defaults', () => {
    const d = Float64Array.from([1, 0, 0, 0, 1e-3, 0, 0, 0, 1e-10]);
    const diag = (x: Float64Array) => [x[0], x[4], x[8]];
    // torch.linalg.pinv(diag(1, 1e-3, 1e-10), …) for each option set
    expect(diag(pseudoInverse(d, 3, 3))).toEqual([1, 1000, 1e10]);
    expect(diag(pseudoInverse(d, 3, 3, { atol: 1e-5 }))).toEqual([1, 1000, 0]);
    expect(diag(pseudoInverse(d, 3, 3, { rtol: 1e-2 }))).toEqual([1, 0, 0]);
    expect(diag(pseudoInverse(d, 3, 3, { atol: 1e-12, rtol: 1e-5 }))).toEqual([1, 1000, 0]);
    // atol = 0 is not "> 0", so rtol keeps its default
    expect(diag(pseudoInverse(d, 3, 3, { atol: 0 }))).toEqual([1, 1000, 1e10]);
    // a given atol > 0 alone sets rtol to 0: only the absolute cutoff applies
    expect(diag(pseudoInverse(d, 3, 3, { atol: 1e-11 }))).toEqual([1, 1000, 1e10]);
    // strictly greater: σ equal to the cutoff is dropped
    expect(diag(pseudoInverse(d, 3, 3, { atol: 1e-3 }))).toEqual([1, 0, 0]);
  });

  it('drops singular values below the default rtol = max(m, n)·ε', () => {
    // [[1, 1], [1, 1 + 1e-15]] has σ ≈ 2 and 5e-16 < 2·2·ε, so its pinv is the rank-1 one: all 1/4.
    const a = Float64Array.from([1, 1, 1, 1 + 1e-15]);
    expect(maxAbsDiff(pseudoInverse(a, 2, 2), [0.25, 0.25, 0.25, 0.25])).toBeLessThan(1e-15);
  });

  it('equals the inverse of an invertible matrix', () => {
    const n = 8;
    const a = randomMatrix(lcg(12), n, n);
    const inv = inverse(a, n);
    expect(maxAbsDiff(pseudoInverse(a, n, n), inv)).toBeLessThan(1e-12 * maxAbs(inv));
  });

  it('gives zero for the zero matrix and handles empty input', () => {
    expect(Array.from(pseudoInverse(new Float64Array(6), 2, 3))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(pseudoInverse(new Float64Array(0), 0, 4).length).toBe(0);
  });

  it('throws LinAlgError on NaN and ValueError on a NaN tolerance', () => {
    const a = Float64Array.from([1, Number.NaN, 3, 4]);
    expect(() => pseudoInverse(a, 2, 2)).toThrow(LinAlgError);
    expect(() => pseudoInverse(a, 2, 2)).toThrow('pinv: a contains NaN at [0,1] — a.shape=[2,2]');
    expect(() => pseudoInverse(Float64Array.from([1]), 1, 1, { rtol: Number.NaN })).toThrow(ValueError);
  });
});
