import { describe, expect, it } from 'vitest';
import { LinAlgError, ShapeError } from '../../errors';
import { luFactor } from './luFactor';
import { luSolve, solve } from './luSolve';
import { lcg, matmul, maxAbs, maxAbsDiff, randomMatrix, SIZES, transposed } from './testUtils';

describe('solve', () => {
  it.each(SIZES)('solves a random n×n system with 1 and 3 right-hand sides, n = %i', (n) => {
    const rand = lcg(200 + n);
    const a = randomMatrix(rand, n, n);
    for (const nrhs of [1, 3]) {
      const b = randomMatrix(rand, n, nrhs);
      const x = solve(a, n, b, nrhs);
      // A backward-stable solve leaves a residual of a few ulp of ‖A‖·‖X‖.
      const scale = maxAbs(a) * maxAbs(x) * n;
      expect(maxAbsDiff(matmul(a, x, n, n, nrhs), b)).toBeLessThan(1e-14 * scale);
    }
  });

  it('matches torch.linalg.solve', () => {
    const a = Float64Array.from([3, 2, -1, 2, -2, 4, -1, 0.5, -1]);
    const b = Float64Array.from([1, 2, -2, 0.5, 0, -1]);
    const want = [
      0.9999999999999998, 1.75, -1.9999999999999998, -2.6666666666666665, -1.9999999999999996,
      -2.083333333333333,
    ];
    expect(maxAbsDiff(solve(a, 3, b, 2), want)).toBeLessThan(1e-12);

    const a4 = Float64Array.from([2, -1, 0.5, 3, 1, 4, -2, 0, -3, 1, 1, 2, 0.5, 2, 3, -1]);
    const want4 = [-0.037267080745341685, 0.9503105590062113, 0.8819875776397516, 0.5279503105590062];
    expect(maxAbsDiff(solve(a4, 4, Float64Array.from([1, 2, 3, 4]), 1), want4)).toBeLessThan(1e-12);
  });

  it('does not modify its inputs', () => {
    const a = randomMatrix(lcg(5), 3, 3);
    const b = randomMatrix(lcg(6), 3, 2);
    const [ac, bc] = [Float64Array.from(a), Float64Array.from(b)];
    solve(a, 3, b, 2);
    expect(maxAbsDiff(a, ac) + maxAbsDiff(b, bc)).toBe(0);
  });

  it('reports a singular matrix in the same cases as torch', () => {
    // torch.linalg.solve raises on both (it factors Aᵀ; A itself would give a 1e-16 pivot for the first).
    const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => solve(a, 3, new Float64Array(3).fill(1), 1)).toThrow(LinAlgError);
    expect(() => solve(a, 3, new Float64Array(3).fill(1), 1)).toThrow(
      'solve: the matrix is singular (pivot 3 of 3 is 0) — a.shape=[3,3]; use pinv for a least-squares answer',
    );
    expect(() => solve(Float64Array.from([1, 2, 2, 4]), 2, Float64Array.from([1, 1]), 1)).toThrow(
      'solve: the matrix is singular (pivot 2 of 2 is 0)',
    );
  });

  it('rejects NaN or infinities in either argument', () => {
    const b = Float64Array.from([1, 2]);
    expect(() => solve(Float64Array.from([1, 0, Number.NaN, 1]), 2, b, 1)).toThrow(LinAlgError);
    expect(() => solve(Float64Array.from([1, 0, Number.NaN, 1]), 2, b, 1)).toThrow(
      'solve: a contains NaN at [1,0] — a.shape=[2,2]',
    );
    expect(() => solve(Float64Array.from([1, 0, 0, 1]), 2, Float64Array.from([1, -Infinity]), 1)).toThrow(
      'solve: b contains -Infinity at [1,0] — b.shape=[2,1]',
    );
  });

  it('rejects sizes that do not match the arrays', () => {
    expect(() => solve(new Float64Array(4), 2, new Float64Array(3), 1)).toThrow(ShapeError);
    expect(() => solve(new Float64Array(4), 2, new Float64Array(3), 1)).toThrow(
      'solve: b holds 3 values but its shape needs 2 — b.shape=[2,1]',
    );
  });

  it('handles n = 0 and nrhs = 0', () => {
    expect(solve(new Float64Array(0), 0, new Float64Array(0), 2).length).toBe(0);
    expect(solve(Float64Array.from([2]), 1, new Float64Array(0), 0).length).toBe(0);
  });
});

describe('luSolve', () => {
  it('solves with the factors and, with adjoint, with their transpose', () => {
    const n = 8;
    const rand = lcg(11);
    const a = randomMatrix(rand, n, n);
    const b = randomMatrix(rand, n, 2);
    const factors = luFactor(a, n);
    const x = luSolve(factors, b, 2);
    expect(maxAbsDiff(matmul(a, x, n, n, 2), b)).toBeLessThan(1e-13);
    const xt = luSolve(factors, b, 2, { adjoint: true });
    expect(maxAbsDiff(matmul(transposed(a, n, n), xt, n, n, 2), b)).toBeLessThan(1e-13);
  });

  it('reuses one factorisation for many right-hand sides', () => {
    const a = Float64Array.from([4, 1, 2, 3]);
    const factors = luFactor(a, 2);
    expect(maxAbsDiff(luSolve(factors, Float64Array.from([5, 5]), 1), [1, 1])).toBeLessThan(1e-15);
    expect(maxAbsDiff(luSolve(factors, Float64Array.from([4, 2]), 1), [1, 0])).toBeLessThan(1e-15);
  });
});
