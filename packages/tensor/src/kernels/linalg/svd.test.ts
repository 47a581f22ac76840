import { describe, expect, it } from 'vitest';
import { LinAlgError } from '../../errors';
import { svd } from './svd';
import { identity, lcg, matmul, maxAbs, maxAbsDiff, randomMatrix, transposed } from './testUtils';

/** Checks U·diag(s)·Vt ≈ A, UᵀU ≈ I, Vt·Vtᵀ ≈ I, s descending and non-negative; returns the worst error. */
function check(a: Float64Array, m: number, n: number, tol: number): number {
  const { u, s, vt } = svd(a, m, n);
  const k = Math.min(m, n);
  expect(u.length).toBe(m * k);
  expect(s.length).toBe(k);
  expect(vt.length).toBe(k * n);
  for (let i = 0; i < k; i++) {
    expect(s[i]!).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
  }
  const us = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * k + j]! * s[j]!;
  const errors = [
    maxAbsDiff(matmul(us, vt, m, k, n), a) / Math.max(maxAbs(a), Number.MIN_VALUE),
    maxAbsDiff(matmul(transposed(u, m, k), u, k, m, k), identity(k)),
    maxAbsDiff(matmul(vt, transposed(vt, k, n), k, n, k), identity(k)),
  ];
  for (const e of errors) expect(e).toBeLessThan(tol);
  return Math.max(...errors);
}

describe('svd', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [8, 8],
    [32, 32],
    [2, 3],
    [3, 2],
    [40, 7],
    [7, 40],
    [1, 5],
    [5, 1],
  ])('decomposes a random %i×%i matrix: U·S·Vt ≈ A with orthonormal U and Vt', (m, n) => {
    check(randomMatrix(lcg(500 + 37 * m + n), m, n), m, n, 1e-13);
  });

  it('matches torch.linalg.svdvals on a rank-2 matrix', () => {
    const a = Float64Array.from([1, 2, 3, 4, 2, 4, 6, 8, 1, 0, 1, 0]);
    const { s } = svd(a, 3, 4);
    expect(Math.abs(s[0]! - 12.269416474076381)).toBeLessThan(1e-12);
    expect(Math.abs(s[1]! - 1.208891800643509)).toBeLessThan(1e-12);
    expect(s[2]!).toBeLessThan(1e-14); // torch: 9.3e-16, rounding noise
    check(a, 3, 4, 1e-14);
  });

  it('completes U to an orthonormal set for zero singular values', () => {
    const n = 32;
    const ones = new Float64Array(n * n).fill(1);
    const { s } = svd(ones, n, n);
    expect(Math.abs(s[0]! - 32)).toBeLessThan(1e-13);
    expect(maxAbs(s.subarray(1))).toBeLessThan(1e-13);
    check(ones, n, n, 1e-13);

    const zero = svd(new Float64Array(6), 2, 3);
    expect(Array.from(zero.s)).toEqual([0, 0]);
    check(new Float64Array(6), 2, 3, 1e-15);
    check(Float64Array.from([1, 0, 0, 0, 0, 0]), 3, 2, 1e-15);
  });

  it('keeps tiny singular values to high relative accuracy', () => {
    const { s } = svd(Float64Array.from([1, 0, 0, 1e-200]), 2, 2);
    expect(Array.from(s)).toEqual([1, 1e-200]);
    const { s: graded } = svd(Float64Array.from([1e-150, 2e-150, 3e-150, 4e-150]), 2, 2);
    // singular values of [[1,2],[3,4]]: 5.4649857042190426, 0.36596619062625746
    expect(Math.abs(graded[0]! / 1e-150 - 5.4649857042190426)).toBeLessThan(1e-14);
    expect(Math.abs(graded[1]! / 1e-150 - 0.36596619062625746)).toBeLessThan(1e-14);
  });

  it('fixes signs: the largest component of each row of Vt is positive', () => {
    const { vt } = svd(randomMatrix(lcg(77), 6, 4), 6, 4);
    for (let r = 0; r < 4; r++) {
      let best = 0;
      for (let j = 0; j < 4; j++) if (Math.abs(vt[r * 4 + j]!) > Math.abs(best)) best = vt[r * 4 + j]!;
      expect(best).toBeGreaterThan(0);
    }
  });

  it('handles empty matrices', () => {
    const { u, s, vt } = svd(new Float64Array(0), 0, 3);
    expect([u.length, s.length, vt.length]).toEqual([0, 0, 0]);
  });

  it('throws LinAlgError on NaN, naming the op', () => {
    const a = Float64Array.from([1, 2, Number.NaN, 4, 5, 6]);
    expect(() => svd(a, 2, 3)).toThrow(LinAlgError);
    expect(() => svd(a, 2, 3)).toThrow('svd: a contains NaN at [0,2] — a.shape=[2,3]');
    expect(() => svd(a, 2, 3, { opName: 'pinv' })).toThrow('pinv: a contains NaN');
  });
});
