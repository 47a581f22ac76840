import { ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { fairGradWeights } from '../../src/solvers/fairGradWeights';
import { nashWeights } from '../../src/solvers/nashWeights';
import { randomGram, residual } from './gramFixtures';

const sizes = [1, 2, 3, 4, 8, 16];

describe('fairGradWeights', () => {
  for (const t of sizes) {
    it(`solves gram·x = x^(−1/α) to 1e-10 with x > 0, T=${t}, full rank`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const gram = randomGram(t, t + 2 + (seed % 3), 211 * t + seed);
        for (const alpha of [0.5, 1, 2, 5]) {
          const x = fairGradWeights(gram, t, { alpha });
          for (const v of x) expect(v).toBeGreaterThan(0);
          expect(residual(gram, t, x, 1 / alpha)).toBeLessThanOrEqual(1e-10);
        }
      }
    });
  }

  it('with alpha = 1 equals Nash-MTL’s weights up to the Gramian’s scale', () => {
    const gram = randomGram(4, 6, 8);
    const fro = Math.sqrt(gram.reduce((s, v) => s + v * v, 0));
    const x = fairGradWeights(gram, 4);
    const a = nashWeights(gram, 4);
    // gram·x = 1/x and (gram/fro)·a = 1/a ⇒ a = x·sqrt(fro).
    for (let i = 0; i < 4; i++) expect(a[i]).toBeCloseTo(x[i]! * Math.sqrt(fro), 10);
  });

  it('solves the one-task case in closed form: x = gram^(−α/(1+α))', () => {
    for (const alpha of [0.5, 1, 3]) {
      const [x] = fairGradWeights(Float64Array.of(4), 1, { alpha });
      expect(x).toBeCloseTo(4 ** (-alpha / (1 + alpha)), 13);
    }
  });

  it('stays finite and positive for a zero gradient, and returns ones for all-zero gradients', () => {
    const zeroRow = Float64Array.of(1, 0, 0.2, 0, 0, 0, 0.2, 0, 1);
    for (const alpha of [0.5, 1, 100]) {
      for (const v of fairGradWeights(zeroRow, 3, { alpha })) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    }
    expect(Array.from(fairGradWeights(new Float64Array(4), 2))).toEqual([1, 1]);
  });

  it('throws ValueError naming the solver on bad input', () => {
    expect(() => fairGradWeights(new Float64Array(4), 2, { alpha: 0 })).toThrow(ValueError);
    expect(() => fairGradWeights(new Float64Array(4), 2, { alpha: -1 })).toThrow(/fairGradWeights/);
    expect(() => fairGradWeights(new Float64Array(2), 2)).toThrow(/fairGradWeights/);
  });
});
