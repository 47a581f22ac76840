import { describe, expect, it } from 'vitest';
import { LinAlgError, ShapeError } from '../../errors';
import { symmetricEigen } from './symmetricEigen';
import {
  identity,
  lcg,
  matmul,
  maxAbs,
  maxAbsDiff,
  randomMatrix,
  randomSymmetric,
  SIZES,
  transposed,
} from './testUtils';

/** max |V·diag(λ)·Vᵀ − A| and max |VᵀV − I|. */
function errors(a: Float64Array, n: number): { reconstruction: number; orthogonality: number } {
  const { values, vectors } = symmetricEigen(a, n);
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) scaled[i * n + j] = vectors[i * n + j]! * values[j]!;
  const vt = transposed(vectors, n, n);
  return {
    reconstruction: maxAbsDiff(matmul(scaled, vt, n, n, n), a),
    orthogonality: maxAbsDiff(matmul(vt, vectors, n, n, n), identity(n)),
  };
}

function expectAscending(values: Float64Array): void {
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
}

/** Each column's largest-magnitude component is positive (the documented sign convention). */
function expectSignConvention(vectors: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    let best = 0;
    for (let r = 0; r < n; r++)
      if (Math.abs(vectors[r * n + c]!) > Math.abs(best)) best = vectors[r * n + c]!;
    expect(best).toBeGreaterThan(0);
  }
}

describe('symmetricEigen', () => {
  it.each(SIZES)('decomposes a random symmetric n×n matrix, n = %i: V·diag(λ)·Vᵀ ≈ A, VᵀV ≈ I', (n) => {
    const a = randomSymmetric(lcg(400 + n), n);
    const { reconstruction, orthogonality } = errors(a, n);
    expect(reconstruction).toBeLessThan(1e-14 * n * maxAbs(a));
    expect(orthogonality).toBeLessThan(1e-14 * n);
    const { values, vectors } = symmetricEigen(a, n);
    expectAscending(values);
    expectSignConvention(vectors, n);
  });

  it('matches torch.linalg.eigh (values exactly, vectors up to sign)', () => {
    const a = Float64Array.from([4, 1, -2, 2, 1, 2, 0, 1, -2, 0, 3, -2, 2, 1, -2, -1]);
    const { values, vectors } = symmetricEigen(a, 4);
    const wantValues = [-2.1975169774394243, 1.0843644637732166, 2.2685314064312423, 6.844621107234965];
    const wantVectors = [
      -0.17670517062447652, -0.6422600067660328, -0.20171109662094225, -0.7180459594506796,
      -0.17810046990630077, 0.5441878481946866, -0.7894499124874398, -0.2211529881551807, 0.28766803431970117,
      -0.520221850938615, -0.5796341693167877, 0.5573513771375096, 0.9242849167461132, 0.14398227457619128,
      -0.010280998686330478, -0.3533564748939929,
    ];
    expect(maxAbsDiff(values, wantValues)).toBeLessThan(1e-12);
    for (let c = 0; c < 4; c++) {
      const sign = Math.sign(vectors[3 * 4 + c]! * wantVectors[3 * 4 + c]!);
      for (let r = 0; r < 4; r++) {
        expect(Math.abs(vectors[r * 4 + c]! - sign * wantVectors[r * 4 + c]!)).toBeLessThan(1e-12);
      }
    }
  });

  it('reads only the lower triangle, as torch.linalg.eigh with UPLO="L"', () => {
    const a = Float64Array.from([2, 99, 99, -1, 2, 99, 0.5, -1, 2]);
    const { values } = symmetricEigen(a, 3);
    // torch.linalg.eigh of the same (non-symmetric) tensor
    expect(maxAbsDiff(values, [0.8138593383654926, 1.4999999999999998, 3.6861406616345063])).toBeLessThan(
      1e-12,
    );
    // a NaN in the ignored upper triangle is ignored too
    a[1] = Number.NaN;
    expect(maxAbsDiff(symmetricEigen(a, 3).values, values)).toBe(0);
  });

  it('handles the identity: all eigenvalues 1, eigenvectors the identity', () => {
    const { values, vectors } = symmetricEigen(identity(5), 5);
    expect(Array.from(values)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(vectors)).toEqual(Array.from(identity(5)));
  });

  it('handles a diagonal matrix with ties, sorting ascending', () => {
    const d = [3, 1, 3, 2, 1];
    const a = new Float64Array(25);
    d.forEach((x, i) => {
      a[i * 5 + i] = x;
    });
    const { values, vectors } = symmetricEigen(a, 5);
    expect(Array.from(values)).toEqual([1, 1, 2, 3, 3]);
    expect(errors(a, 5).reconstruction).toBe(0);
    expectSignConvention(vectors, 5);
  });

  it('handles a repeated eigenvalue in a non-diagonal matrix', () => {
    // torch: Q·diag(2, 2, 5)·Qᵀ for the Q of a QR; torch.linalg.eigh gives [2, 2, 5] to 1e-15
    const a = Float64Array.from([
      2.571428571428571, -1.1428571428571437, -0.2857142857142864, -1.142857142857144, 4.285714285714283,
      0.5714285714285721, -0.2857142857142864, 0.5714285714285721, 2.142857142857143,
    ]);
    const { values } = symmetricEigen(a, 3);
    expect(maxAbsDiff(values, [1.999999999999999, 1.9999999999999996, 5.000000000000001])).toBeLessThan(
      1e-13,
    );
    const { reconstruction, orthogonality } = errors(a, 3);
    expect(reconstruction).toBeLessThan(1e-14);
    expect(orthogonality).toBeLessThan(1e-15);
  });

  it('handles a rank-one matrix with a 31-fold zero eigenvalue', () => {
    const n = 32;
    const a = new Float64Array(n * n).fill(1);
    const { values } = symmetricEigen(a, n);
    expect(values[n - 1]).toBeCloseTo(32, 12);
    expect(maxAbs(values.subarray(0, n - 1))).toBeLessThan(1e-13);
    const { reconstruction, orthogonality } = errors(a, n);
    expect(reconstruction).toBeLessThan(1e-13);
    expect(orthogonality).toBeLessThan(1e-13);
  });

  it('handles n = 1, n = 0 and the zero matrix', () => {
    const one = symmetricEigen(Float64Array.from([-3]), 1);
    expect(Array.from(one.values)).toEqual([-3]);
    expect(Array.from(one.vectors)).toEqual([1]);
    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
    const zero = symmetricEigen(new Float64Array(9), 3);
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(Array.from(zero.vectors)).toEqual(Array.from(identity(3)));
  });

  it('keeps full accuracy at extreme scales', () => {
    for (const scale of [1e-300, 1e300]) {
      const a = Float64Array.from([1, 2, 2, 3]).map((x) => x * scale);
      const { values } = symmetricEigen(a, 2);
      // 2 ± √5
      expect(Math.abs(values[0]! / scale - (2 - Math.sqrt(5)))).toBeLessThan(1e-15);
      expect(Math.abs(values[1]! / scale - (2 + Math.sqrt(5)))).toBeLessThan(1e-14);
    }
  });

  it('gives positive eigenvalues for a positive definite Gram matrix', () => {
    const rand = lcg(9);
    const n = 8;
    const g = randomMatrix(rand, n, n);
    const gram = matmul(transposed(g, n, n), g, n, n, n);
    const { values } = symmetricEigen(gram, n);
    for (const v of values) expect(v).toBeGreaterThan(0);
  });

  it('throws LinAlgError on NaN or infinities in the lower triangle', () => {
    const a = Float64Array.from([1, 0, Number.NaN, 1]);
    expect(() => symmetricEigen(a, 2)).toThrow(LinAlgError);
    expect(() => symmetricEigen(a, 2)).toThrow('eigh: a contains NaN at [1,0] — a.shape=[2,2]');
    expect(() => symmetricEigen(Float64Array.from([Number.POSITIVE_INFINITY]), 1)).toThrow(
      'eigh: a contains Infinity at [0,0]',
    );
  });

  it('throws ShapeError when the length does not match n', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(ShapeError);
  });
});
