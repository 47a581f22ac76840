import { ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { boxQP } from '../../src/solvers/boxQP';
import { matVec, randomGram, rng } from './gramFixtures';

function objective(gram: Float64Array, t: number, v: Float64Array): number {
  const gv = matVec(gram, t, v);
  return v.reduce((s, x, i) => s + x * gv[i]!, 0);
}

/** max over i of: infeasibility, negative multiplier, and min(|μ_i|, v_i − lower_i) — all relative. */
function kktResidual(gram: Float64Array, t: number, lower: Float64Array, v: Float64Array): number {
  let maxDiag = 1e-300;
  for (let i = 0; i < t; i++) maxDiag = Math.max(maxDiag, gram[i * t + i]!);
  const vScale = Math.max(1e-300, ...Array.from(v, Math.abs), ...Array.from(lower, Math.abs));
  const mu = matVec(gram, t, v);
  let res = 0;
  for (let i = 0; i < t; i++) {
    const slack = (v[i]! - lower[i]!) / vScale;
    const m = mu[i]! / (maxDiag * vScale);
    res = Math.max(res, -slack, -m, Math.min(Math.abs(m), Math.abs(slack)));
  }
  return res;
}

function upgradGram(gram: Float64Array, t: number, eps = 1e-4): Float64Array {
  let tr = 0;
  for (let i = 0; i < t; i++) tr += gram[i * t + i]!;
  const out = gram.map((v) => v / tr);
  for (let i = 0; i < t; i++) out[i * t + i]! += eps;
  return out;
}

const sizes = [1, 2, 3, 4, 8, 16];

describe('boxQP', () => {
  for (const t of sizes) {
    for (const [label, d] of [
      ['full rank', t + 3],
      ['rank deficient', Math.max(1, Math.floor(t / 2))],
    ] as const) {
      it(`solves UPGrad's problems (lower = e_i/T) to KKT 1e-10, T=${t}, ${label}`, () => {
        for (let seed = 1; seed <= 10; seed++) {
          const raw = randomGram(t, d, 31 * t + seed + (label === 'full rank' ? 0 : 7000));
          for (const gram of [upgradGram(raw, t), raw]) {
            for (let i = 0; i < t; i++) {
              const lower = new Float64Array(t);
              lower[i] = 1 / t;
              const v = boxQP(gram, t, lower);
              for (const x of v) expect(Number.isFinite(x)).toBe(true);
              expect(kktResidual(gram, t, lower, v)).toBeLessThanOrEqual(1e-10);
            }
          }
        }
      });
    }
  }

  it('handles arbitrary (also negative) lower bounds', () => {
    for (const t of sizes) {
      const r = rng(t);
      for (let seed = 1; seed <= 10; seed++) {
        const gram = randomGram(t, seed % 2 ? t + 1 : Math.max(1, t - 2), 900 + 17 * t + seed);
        const lower = Float64Array.from({ length: t }, () => 2 * r() - 1);
        const v = boxQP(gram, t, lower);
        expect(kktResidual(gram, t, lower, v)).toBeLessThanOrEqual(1e-10);
      }
    }
  });

  it('beats every feasible point of a random search (T = 2, 3)', () => {
    for (const t of [2, 3]) {
      const r = rng(42 + t);
      for (let seed = 1; seed <= 5; seed++) {
        const gram = randomGram(t, t, 500 + seed);
        const lower = Float64Array.from({ length: t }, () => r() - 0.3);
        const best = objective(gram, t, boxQP(gram, t, lower));
        let search = Number.POSITIVE_INFINITY;
        for (let k = 0; k < 20000; k++) {
          search = Math.min(
            search,
            objective(
              gram,
              t,
              lower.map((l) => l + 2 * r() ** 3),
            ),
          );
        }
        expect(best).toBeLessThanOrEqual(search + 1e-12);
      }
    }
  });

  it('returns lower itself when lower is already optimal, and for a zero gram', () => {
    const gram = Float64Array.of(1, 0.2, 0.2, 1);
    expect(Array.from(boxQP(gram, 2, Float64Array.of(0.5, 0)))).toEqual([0.5, 0]);
    expect(Array.from(boxQP(new Float64Array(4), 2, Float64Array.of(0.5, -1)))).toEqual([0.5, -1]);
  });

  it('projects onto the dual cone: conflicting pair', () => {
    // g1 = (1, 0), g2 = (−1, 1): mean (0, 0.5) conflicts with nothing, but e_1/2 does.
    const gram = Float64Array.of(1, -1, -1, 2);
    const v = boxQP(gram, 2, Float64Array.of(0.5, 0));
    const mu = matVec(gram, 2, v);
    expect(mu[0]).toBeGreaterThanOrEqual(-1e-15);
    expect(mu[1]).toBeCloseTo(0, 14);
    expect(v[0]).toBeCloseTo(0.5, 14);
    expect(v[1]).toBeCloseTo(0.25, 14);
  });

  it('handles identical gradients and a zero gradient', () => {
    const same = new Float64Array(16).fill(2);
    const v = boxQP(same, 4, Float64Array.of(0.25, 0, 0, 0));
    expect(kktResidual(same, 4, Float64Array.of(0.25, 0, 0, 0), v)).toBeLessThanOrEqual(1e-12);
    const zeroRow = Float64Array.of(1, 0, -0.5, 0, 0, 0, -0.5, 0, 1);
    const lower = Float64Array.of(0, 1 / 3, 1 / 3);
    expect(kktResidual(zeroRow, 3, lower, boxQP(zeroRow, 3, lower))).toBeLessThanOrEqual(1e-12);
  });

  it('throws ValueError naming the solver on bad input', () => {
    expect(() => boxQP(new Float64Array(4), 2, new Float64Array(3))).toThrow(ValueError);
    expect(() => boxQP(new Float64Array(4), 2, Float64Array.of(0, Number.NaN))).toThrow(/boxQP/);
    expect(() => boxQP(new Float64Array(5), 2, new Float64Array(2))).toThrow(/boxQP/);
  });
});
