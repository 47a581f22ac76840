import { describe, expect, it } from 'vitest';
import { LinAlgError } from '../../errors';
import { inverse } from './inverse';
import { identity, lcg, matmul, maxAbs, maxAbsDiff, randomMatrix, SIZES } from './testUtils';

describe('inverse', () => {
  it.each(SIZES)('gives A·A⁻¹ ≈ I and A⁻¹·A ≈ I for a random n×n matrix, n = %i', (n) => {
    const a = randomMatrix(lcg(300 + n), n, n);
    const inv = inverse(a, n);
    const scale = maxAbs(a) * maxAbs(inv) * n;
    expect(maxAbsDiff(matmul(a, inv, n, n, n), identity(n))).toBeLessThan(1e-14 * scale);
    expect(maxAbsDiff(matmul(inv, a, n, n, n), identity(n))).toBeLessThan(1e-14 * scale);
  });

  it('matches torch.linalg.inv', () => {
    const a = Float64Array.from([3, 2, -1, 2, -2, 4, -1, 0.5, -1]);
    const want = [
      0.0, -0.5, -2.0, 0.6666666666666666, 1.3333333333333333, 4.666666666666666, 0.33333333333333326,
      1.1666666666666665, 3.3333333333333326,
    ];
    expect(maxAbsDiff(inverse(a, 3), want)).toBeLessThan(1e-12);
    const a4 = Float64Array.from([2, -1, 0.5, 3, 1, 4, -2, 0, -3, 1, 1, 2, 0.5, 2, 3, -1]);
    const want4 = [
      0.15734989648033126, 0.05175983436853001, -0.19875776397515527, 0.07453416149068323,
      -0.0124223602484472, 0.18012422360248445, 0.06832298136645962, 0.09937888198757766, 0.05383022774327123,
      -0.11387163561076606, 0.0372670807453416, 0.23602484472049692, 0.21532091097308487, 0.04451345755693582,
      0.14906832298136646, -0.05590062111801242,
    ];
    expect(maxAbsDiff(inverse(a4, 4), want4)).toBeLessThan(1e-12);
  });

  it('inverts a 1×1 and a diagonal matrix exactly', () => {
    expect(Array.from(inverse(Float64Array.from([-4]), 1))).toEqual([-0.25]);
    expect(Array.from(inverse(Float64Array.from([2, 0, 0, 0.5]), 2))).toEqual([0.5, 0, 0, 2]);
  });

  it('throws LinAlgError on a singular matrix, like torch', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => inverse(a, 3)).toThrow(LinAlgError);
    expect(() => inverse(a, 3)).toThrow(
      'inv: the matrix is singular (pivot 3 of 3 is 0) — a.shape=[3,3]; use pinv for a least-squares answer',
    );
    expect(() => inverse(new Float64Array(1), 1)).toThrow('inv: the matrix is singular (pivot 1 of 1 is 0)');
  });

  it('throws LinAlgError on NaN', () => {
    expect(() => inverse(Float64Array.from([1, 2, 3, Number.NaN]), 2)).toThrow(LinAlgError);
    expect(() => inverse(Float64Array.from([1, 2, 3, Number.NaN]), 2)).toThrow(
      'inv: a contains NaN at [1,1] — a.shape=[2,2]',
    );
  });
});
