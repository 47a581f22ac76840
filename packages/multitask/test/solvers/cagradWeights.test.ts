import { ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { cagradWeights } from '../../src/solvers/cagradWeights';
import { matVec, randomGram, rng } from './gramFixtures';

/** Gramians whose rows share a component (about 30% of entries moved by 0.4). */
const randomGram4 = (t: number, d: number, seed: number) => randomGram(t, d, seed, 0.4);

/** CAGrad's c for a given calpha: calpha·‖g₀‖, ‖g₀‖ = sqrt(1ᵀ·gram·1)/T. */
function cOf(gram: Float64Array, t: number, calpha: number): number {
  return (calpha * Math.sqrt(gram.reduce((s, v) => s + v, 0))) / t;
}

function objective(gram: Float64Array, t: number, c: number, w: Float64Array): number {
  const ones = new Float64Array(t).fill(1);
  const b = matVec(gram, t, ones);
  const gw = matVec(gram, t, w);
  let lin = 0;
  let q = 0;
  for (let i = 0; i < t; i++) {
    lin += (w[i]! * b[i]!) / t;
    q += w[i]! * gw[i]!;
  }
  return lin + c * Math.sqrt(Math.max(q, 0));
}

/** Simplex KKT residual of the smooth objective (valid where ‖g_w‖ > 0), relative to the gradient's size. */
function kktResidual(gram: Float64Array, t: number, c: number, w: Float64Array): number {
  const b = matVec(gram, t, new Float64Array(t).fill(1));
  const gw = matVec(gram, t, w);
  const r = Math.sqrt(w.reduce((s, v, i) => s + v * gw[i]!, 0));
  const grad = Array.from(b, (bi, i) => bi / t + (c * gw[i]!) / r);
  const lambda = grad.reduce((s, v, i) => s + v * w[i]!, 0);
  const scale = Math.max(...grad.map(Math.abs));
  let res = Math.abs(w.reduce((s, v) => s + v, 0) - 1);
  for (let i = 0; i < t; i++) {
    res = Math.max(res, -w[i]!);
    if (w[i]! > 0) res = Math.max(res, Math.abs(grad[i]! - lambda) / scale);
    else res = Math.max(res, (lambda - grad[i]!) / scale);
  }
  return res;
}

const sizes = [1, 2, 3, 4, 8, 16];

describe('cagradWeights', () => {
  for (const t of sizes) {
    for (const [label, d] of [
      ['full rank', t + 3],
      ['rank deficient', Math.max(1, Math.floor(t / 2))],
    ] as const) {
      it(`meets the KKT conditions to 1e-10, T=${t}, ${label}`, () => {
        for (let seed = 1; seed <= 10; seed++) {
          const gram = randomGram4(t, d, 13 * t + seed + (label === 'full rank' ? 0 : 3000));
          for (const calpha of [0.1, 0.5, 0.9]) {
            const c = cOf(gram, t, calpha);
            const w = cagradWeights(gram, t, { c });
            for (const v of w) expect(Number.isFinite(v)).toBe(true);
            const gw = matVec(gram, t, w);
            const r2 = w.reduce((s, v, i) => s + v * gw[i]!, 0);
            // The KKT test divides by ‖g_w‖, which is only computed to eps·max‖g_i‖²/‖g_w‖ from the
            // Gramian: skip the near-cancelling case, where the objective is not smooth anyway.
            let maxDiag = 0;
            for (let i = 0; i < t; i++) maxDiag = Math.max(maxDiag, gram[i * t + i]!);
            if (r2 > 1e-8 * maxDiag) expect(kktResidual(gram, t, c, w)).toBeLessThanOrEqual(1e-10);
          }
        }
      });
    }
  }

  it('beats a fine grid for T = 2 and a grid plus random search for T = 3', () => {
    const r = rng(9);
    for (let seed = 1; seed <= 6; seed++) {
      const g2 = randomGram4(2, 2 + (seed % 2), 100 + seed);
      for (const calpha of [0.2, 0.5, 0.8]) {
        const c = cOf(g2, 2, calpha);
        const best = objective(g2, 2, c, cagradWeights(g2, 2, { c }));
        let grid = Number.POSITIVE_INFINITY;
        for (let k = 0; k <= 20000; k++) {
          const a = k / 20000;
          grid = Math.min(grid, objective(g2, 2, c, Float64Array.of(a, 1 - a)));
        }
        expect(best).toBeLessThanOrEqual(grid + 1e-13);
      }
      const g3 = randomGram4(3, 2 + (seed % 3), 200 + seed);
      for (const calpha of [0.2, 0.5, 0.8]) {
        const c = cOf(g3, 3, calpha);
        const w = cagradWeights(g3, 3, { c });
        const best = objective(g3, 3, c, w);
        const n = 300;
        let search = Number.POSITIVE_INFINITY;
        for (let i = 0; i <= n; i++)
          for (let j = 0; i + j <= n; j++) {
            search = Math.min(search, objective(g3, 3, c, Float64Array.of(i / n, j / n, (n - i - j) / n)));
          }
        for (let k = 0; k < 5000; k++) {
          // Small random moves around the solution, kept on the simplex.
          const v = w.map((x) => Math.max(0, x + 1e-3 * (r() - 0.5)));
          const s = v.reduce((a, b) => a + b, 0);
          search = Math.min(
            search,
            objective(
              g3,
              3,
              c,
              v.map((x) => x / s),
            ),
          );
        }
        expect(best).toBeLessThanOrEqual(search + 1e-13);
      }
    }
  });

  it('with c = 0 picks the task least aligned with the mean; T = 1 gives [1]', () => {
    const gram = Float64Array.of(2, 0.5, -1, 0.5, 1, 0.2, -1, 0.2, 3);
    // gram·1 = (1.5, 1.7, 2.2).
    expect(Array.from(cagradWeights(gram, 3, { c: 0 }))).toEqual([1, 0, 0]);
    expect(Array.from(cagradWeights(Float64Array.of(5), 1, { c: 1 }))).toEqual([1]);
  });

  it('handles identical gradients, a zero gradient and all-zero gradients', () => {
    const same = new Float64Array(9).fill(4);
    const w = cagradWeights(same, 3, { c: cOf(same, 3, 0.5) });
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
    const zero = Float64Array.of(1, 0, 0.3, 0, 0, 0, 0.3, 0, 2);
    for (const calpha of [0.5, 2]) {
      const wz = cagradWeights(zero, 3, { c: cOf(zero, 3, calpha) });
      for (const v of wz) expect(Number.isFinite(v)).toBe(true);
      expect(wz.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    }
    expect(Array.from(cagradWeights(new Float64Array(4), 2, { c: 0.5 }))).toEqual([0.5, 0.5]);
  });

  it('throws ValueError naming the solver on bad input', () => {
    expect(() => cagradWeights(new Float64Array(4), 2, { c: -1 })).toThrow(ValueError);
    expect(() => cagradWeights(new Float64Array(4), 2, { c: Number.NaN })).toThrow(/cagradWeights/);
    expect(() => cagradWeights(new Float64Array(3), 2, { c: 1 })).toThrow(/cagradWeights/);
  });
});
