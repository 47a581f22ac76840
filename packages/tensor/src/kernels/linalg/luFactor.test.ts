import { describe, expect, it } from 'vitest';
import { LinAlgError, ShapeError } from '../../errors';
import { luFactor } from './luFactor';
import { lcg, matmul, maxAbs, maxAbsDiff, randomMatrix, SIZES } from './testUtils';

/** Rebuild P·A from the packed factors as L·U and apply the recorded swaps to A. */
function residual(a: Float64Array, n: number): number {
  const { lu, pivots } = luFactor(a, n);
  const l = new Float64Array(n * n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) l[i * n + j] = lu[i * n + j]!;
      else u[i * n + j] = lu[i * n + j]!;
    }
    l[i * n + i] = 1;
  }
  const pa = Float64Array.from(a);
  for (let k = 0; k < n; k++) {
    const p = pivots[k]!;
    for (let j = 0; j < n; j++) {
      const t = pa[k * n + j]!;
      pa[k * n + j] = pa[p * n + j]!;
      pa[p * n + j] = t;
    }
  }
  return maxAbsDiff(matmul(l, u, n, n, n), pa);
}

describe('luFactor', () => {
  it.each(SIZES)('factors P·A = L·U for a random n×n matrix, n = %i', (n) => {
    const a = randomMatrix(lcg(100 + n), n, n);
    expect(residual(a, n)).toBeLessThan(1e-14 * n);
  });

  it('pivots on the largest entry, so every multiplier is at most 1 in magnitude', () => {
    const n = 8;
    const { lu } = luFactor(randomMatrix(lcg(7), n, n), n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) expect(Math.abs(lu[i * n + j]!)).toBeLessThanOrEqual(1);
  });

  it('matches torch.linalg.lu_factor (pivots there are 1-based)', () => {
    const a = Float64Array.from([2, -1, 0.5, 3, 1, 4, -2, 0, -3, 1, 1, 2, 0.5, 2, 3, -1]);
    const { lu, pivots } = luFactor(a, 4);
    // torch.linalg.lu_factor(float64) → LU, pivots [3, 2, 4, 4]
    const want = [
      -3.0, 1.0, 1.0, 2.0, -0.3333333333333333, 4.333333333333333, -1.6666666666666667, 0.6666666666666666,
      -0.16666666666666666, 0.5, 4.0, -1.0, -0.6666666666666666, -0.07692307692307694, 0.2596153846153846,
      4.644230769230768,
    ];
    expect(maxAbsDiff(lu, want)).toBeLessThan(1e-14);
    expect(Array.from(pivots, (p) => p + 1)).toEqual([3, 2, 4, 4]);
  });

  it('does not modify its input, and handles n = 0', () => {
    const a = randomMatrix(lcg(3), 3, 3);
    const copy = Float64Array.from(a);
    luFactor(a, 3);
    expect(maxAbsDiff(a, copy)).toBe(0);
    expect(luFactor(new Float64Array(0), 0).lu.length).toBe(0);
  });

  it('reports an exactly zero pivot with its position', () => {
    const a = Float64Array.from([1, 2, 2, 4]);
    expect(() => luFactor(a, 2)).toThrow(LinAlgError);
    expect(() => luFactor(a, 2)).toThrow(
      'luFactor: the matrix is singular (pivot 2 of 2 is 0) — a.shape=[2,2]; use pinv for a least-squares answer',
    );
    expect(() => luFactor(new Float64Array(9), 3, { opName: 'solve' })).toThrow(
      'solve: the matrix is singular (pivot 1 of 3 is 0)',
    );
  });

  it('rejects NaN and infinities instead of pivoting on them', () => {
    expect(() => luFactor(Float64Array.from([1, Number.NaN, 0, 1]), 2)).toThrow(LinAlgError);
    expect(() => luFactor(Float64Array.from([1, Number.NaN, 0, 1]), 2)).toThrow(
      'luFactor: a contains NaN at [0,1] — a.shape=[2,2]',
    );
    expect(() => luFactor(Float64Array.from([1, 0, 0, Number.POSITIVE_INFINITY]), 2)).toThrow(
      'a contains Infinity at [1,1]',
    );
  });

  it('rejects a length that does not match n', () => {
    expect(() => luFactor(new Float64Array(8), 3)).toThrow(ShapeError);
    expect(() => luFactor(new Float64Array(8), 3)).toThrow(
      'luFactor: a holds 8 values but its shape needs 9 — a.shape=[3,3]',
    );
    expect(() => luFactor(new Float64Array(4), 2.5)).toThrow('sizes must be non-negative integers');
  });

  it('keeps the scale of badly scaled input (tiny pivots are not singular)', () => {
    const a = Float64Array.from([1, 0, 0, 1e-300]);
    const { lu } = luFactor(a, 2);
    expect(lu[3]).toBe(1e-300);
    expect(maxAbs(lu)).toBe(1);
  });
});
