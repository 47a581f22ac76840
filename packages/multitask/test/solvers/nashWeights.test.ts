import { ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { nashWeights } from '../../src/solvers/nashWeights';
import { randomGram, residual, rng } from './gramFixtures';

function normalised(gram: Float64Array): Float64Array {
  const fro = Math.sqrt(gram.reduce((s, v) => s + v * v, 0));
  return gram.map((v) => v / fro);
}

const sizes = [1, 2, 3, 4, 8, 16];

describe('nashWeights', () => {
  for (const t of sizes) {
    it(`solves gram_n·α = 1/α to 1e-10 with α > 0 within 20 Newton steps, T=${t}, full rank`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const gram = randomGram(t, t + 2 + (seed % 3), 101 * t + seed);
        const a = nashWeights(gram, t);
        for (const v of a) expect(v).toBeGreaterThan(0);
        expect(residual(normalised(gram), t, a, 1)).toBeLessThanOrEqual(1e-10);
      }
    });
  }

  it('converges within 20 steps on square (often ill-conditioned) Gramians with unequal gradient sizes', () => {
    for (const t of [4, 8, 16]) {
      for (let seed = 1; seed <= 100; seed++) {
        const r = rng(seed);
        const grads = Array.from({ length: t }, () =>
          Float64Array.from({ length: t }, () => (r() + r() + r() - 1.5) * (1 + 10 * r())),
        );
        const gram = new Float64Array(t * t);
        for (let i = 0; i < t; i++)
          for (let j = 0; j < t; j++)
            gram[i * t + j] = grads[i]!.reduce((s, v, k) => s + v * grads[j]![k]!, 0);
        const a = nashWeights(gram, t);
        for (const v of a) expect(v).toBeGreaterThan(0);
        expect(residual(normalised(gram), t, a, 1)).toBeLessThanOrEqual(1e-10);
      }
    }
  });

  it('is invariant to the scale of the Gramian (it normalises by the Frobenius norm)', () => {
    const gram = randomGram(5, 8, 3);
    const a = nashWeights(gram, 5);
    const b = nashWeights(
      gram.map((v) => v * 1e9),
      5,
    );
    for (let i = 0; i < 5; i++) expect(b[i]).toBeCloseTo(a[i]!, 10);
  });

  it('gives equal weights for identical gradients (rank one, but a solution exists)', () => {
    const gram = new Float64Array(16).fill(3);
    const a = nashWeights(gram, 4);
    expect(residual(normalised(gram), 4, a, 1)).toBeLessThanOrEqual(1e-10);
    for (const v of a) expect(v).toBeCloseTo(a[0]!, 12);
  });

  it('stays finite and positive when no solution exists (a zero gradient, cancelling gradients)', () => {
    const zeroRow = Float64Array.of(1, 0, 0.2, 0, 0, 0, 0.2, 0, 1);
    const cancelling = Float64Array.of(1, -1, -1, 1);
    for (const [gram, t] of [
      [zeroRow, 3],
      [cancelling, 2],
    ] as const) {
      const a = nashWeights(gram, t, { maxIter: 200 });
      for (const v of a) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    }
    expect(Array.from(nashWeights(new Float64Array(4), 2))).toEqual([1, 1]);
  });

  it('throws ValueError naming the solver on bad input', () => {
    expect(() => nashWeights(new Float64Array(3), 2)).toThrow(ValueError);
    expect(() => nashWeights(Float64Array.of(Number.POSITIVE_INFINITY), 1)).toThrow(/nashWeights/);
  });
});
