import { ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { minNormSimplex } from '../../src/solvers/minNormSimplex';
import { minNormSimplexFrankWolfe } from '../../src/solvers/minNormSimplexFrankWolfe';
import { gradRows, gramOf, matVec } from './gramFixtures';

/** T×d gradients with a common component (shift 0.5), plus their Gramian. */
function randomGrads(t: number, d: number, seed: number): { grads: Float64Array[]; gram: Float64Array } {
  const grads = gradRows(t, d, seed, 0.5);
  return { grads, gram: gramOf(grads) };
}

function objective(gram: Float64Array, t: number, a: Float64Array): number {
  const ga = matVec(gram, t, a);
  let s = 0;
  for (let i = 0; i < t; i++) s += a[i]! * ga[i]!;
  return s;
}

/** Largest simplex-KKT violation relative to the largest diagonal entry. */
function kktResidual(gram: Float64Array, t: number, a: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < t; i++) scale = Math.max(scale, gram[i * t + i]!);
  scale = Math.max(scale, 1e-300);
  const ga = matVec(gram, t, a);
  const lambda = objective(gram, t, a);
  let sum = 0;
  let res = 0;
  for (let i = 0; i < t; i++) {
    sum += a[i]!;
    res = Math.max(res, -a[i]!);
    if (a[i]! > 0) res = Math.max(res, Math.abs(ga[i]! - lambda) / scale);
    else res = Math.max(res, (lambda - ga[i]!) / scale);
  }
  return Math.max(res, Math.abs(sum - 1));
}

const sizes = [1, 2, 3, 4, 8, 16];

describe('minNormSimplex (exact)', () => {
  for (const t of sizes) {
    for (const [label, d] of [
      ['full rank', t + 3],
      ['rank deficient', Math.max(1, Math.floor(t / 2))],
    ] as const) {
      it(`meets the KKT conditions to 1e-10, T=${t}, ${label}`, () => {
        for (let seed = 1; seed <= 20; seed++) {
          const { grads, gram } = randomGrads(t, d, 1000 * t + seed + (label === 'full rank' ? 0 : 500));
          const a = minNormSimplex(gram, t);
          expect(a.length).toBe(t);
          for (const v of a) expect(Number.isFinite(v)).toBe(true);
          expect(kktResidual(gram, t, a)).toBeLessThanOrEqual(1e-10);
          // MGDA's property: d = Σα_i g_i has ⟨d, g_i⟩ ≥ ‖d‖² for every task.
          const dim = grads[0]!.length;
          const dir = new Float64Array(dim);
          for (let i = 0; i < t; i++) for (let k = 0; k < dim; k++) dir[k]! += a[i]! * grads[i]![k]!;
          let dd = 0;
          for (const v of dir) dd += v * v;
          let scale = 0;
          for (let i = 0; i < t; i++) scale = Math.max(scale, gram[i * t + i]!);
          for (let i = 0; i < t; i++) {
            let dg = 0;
            for (let k = 0; k < dim; k++) dg += dir[k]! * grads[i]![k]!;
            expect(dg).toBeGreaterThanOrEqual(dd - 1e-10 * scale);
          }
        }
      });
    }
  }

  it('is never worse than LibMTL’s Frank–Wolfe, and agrees with it where Frank–Wolfe converged', () => {
    let agreed = 0;
    for (const t of sizes) {
      for (let seed = 1; seed <= 10; seed++) {
        const { gram } = randomGrads(t, t + 2, 77 * t + seed);
        let scale = 0;
        for (let i = 0; i < t; i++) scale = Math.max(scale, gram[i * t + i]!);
        const exact = objective(gram, t, minNormSimplex(gram, t));
        const fwAlpha = minNormSimplexFrankWolfe(gram, t);
        const fw = objective(gram, t, fwAlpha);
        expect(exact).toBeLessThanOrEqual(fw + 1e-12 * scale);
        // LibMTL's procedure can stop early (its projected step is cut at the first face and the
        // change test then fires), so agreement is only expected where its own KKT residual is small.
        if (kktResidual(gram, t, fwAlpha) < 1e-3) {
          expect(Math.abs(exact - fw)).toBeLessThanOrEqual(1e-4 * scale);
          agreed++;
        }
      }
    }
    expect(agreed).toBeGreaterThanOrEqual(30);
  });

  it('matches the 2-task closed form γ = clamp(((g₂−g₁)·g₂)/‖g₁−g₂‖², 0, 1)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { gram } = randomGrads(2, 3, seed);
      const [g11, g12, g22] = [gram[0]!, gram[1]!, gram[3]!];
      const gamma = Math.min(1, Math.max(0, (g22 - g12) / (g11 + g22 - 2 * g12)));
      const a = minNormSimplex(gram, 2);
      expect(a[0]).toBeCloseTo(gamma, 12);
      expect(a[1]).toBeCloseTo(1 - gamma, 12);
    }
  });

  it('handles identical gradients, a zero gradient and all-zero gradients', () => {
    const g = Float64Array.of(1, -2, 0.5);
    const same = minNormSimplex(gramOf([g, g, g, g]), 4);
    expect(same.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    for (const v of same) expect(v).toBeGreaterThanOrEqual(0);
    const withZero = gramOf([g, new Float64Array(3), Float64Array.of(0, 1, 1)]);
    const a = minNormSimplex(withZero, 3);
    expect(objective(withZero, 3, a)).toBeLessThanOrEqual(1e-15);
    expect(a[1]).toBeCloseTo(1, 12);
    expect(Array.from(minNormSimplex(new Float64Array(9), 3))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(Array.from(minNormSimplex(Float64Array.of(4), 1))).toEqual([1]);
  });

  it('finds an interior solution: orthogonal unit gradients give uniform weights', () => {
    const t = 5;
    const eye = new Float64Array(t * t);
    for (let i = 0; i < t; i++) eye[i * t + i] = 1;
    for (const v of minNormSimplex(eye, t)) expect(v).toBeCloseTo(1 / t, 14);
  });

  it('is invariant to the scale of the gradients', () => {
    const { gram } = randomGrads(6, 9, 5);
    const a = minNormSimplex(gram, 6);
    for (const s of [1e-12, 1e12]) {
      const b = minNormSimplex(
        gram.map((v) => v * s),
        6,
      );
      for (let i = 0; i < 6; i++) expect(b[i]).toBeCloseTo(a[i]!, 9);
    }
  });

  it('throws ValueError naming the solver on bad input', () => {
    expect(() => minNormSimplex(new Float64Array(3), 2)).toThrow(ValueError);
    expect(() => minNormSimplex(new Float64Array(4), 2)).not.toThrow();
    expect(() => minNormSimplex(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2)).toThrow(/minNormSimplex/);
    expect(() => minNormSimplex(Float64Array.of(-1, 0, 0, 1), 2)).toThrow(ValueError);
    expect(() => minNormSimplex(Float64Array.of(1, 0.5, 0, 1), 2)).toThrow(/symmetric/);
    expect(() => minNormSimplex(new Float64Array(0), 0)).toThrow(ValueError);
    expect(() => minNormSimplexFrankWolfe(new Float64Array(5), 2)).toThrow(/minNormSimplexFrankWolfe/);
  });
});

describe('minNormSimplexFrankWolfe (LibMTL procedure)', () => {
  it('reproduces LibMTL’s clamped 2-task result', () => {
    // v1v2 ≥ v1v1: LibMTL puts 0.999 on the first task.
    const a = minNormSimplexFrankWolfe(Float64Array.of(1, 2, 2, 5), 2);
    expect(Array.from(a)).toEqual([0.999, 1 - 0.999]);
  });

  // Gramians and LibMTL's α, from LibMTL's `_find_min_norm_element` run in float64 PyTorch.
  const libmtlCases: [number, number[], number[]][] = [
    [
      4,
      [1.38, -0.27, -0.31, 0.7, -0.27, 1.46, -0.07, 0.5, -0.31, -0.07, 1.3, 0.2, 0.7, 0.5, 0.2, 1.0],
      [0.36102971237730064, 0.29687796399519606, 0.34209232362750336, 0.0],
    ],
    [
      4,
      [
        6.103329172356119, 2.200958947147854, -0.632997945743481, 1.000742393144557, 2.200958947147854,
        2.080298090302356, -0.263555430387157, -0.236581785518418, -0.632997945743481, -0.263555430387157,
        1.280491045757292, -0.239334947625162, 1.000742393144557, -0.236581785518418, -0.239334947625162,
        1.717988685519938,
      ],
      [6.201777276492885e-8, 0.21229804995608287, 0.4622619236868331, 0.3254399643393112],
    ],
    [
      3,
      [4.01, 3.56, 0.4, 3.56, 3.49, -0.47, 0.4, -0.47, 4.26],
      [0.0, 0.5443037974683544, 0.45569620253164556],
    ],
  ];
  it('matches LibMTL’s numbers, including a case where it stops short of the optimum', () => {
    for (const [t, gram, expected] of libmtlCases) {
      const a = minNormSimplexFrankWolfe(Float64Array.from(gram), t);
      for (let i = 0; i < t; i++) expect(a[i]).toBeCloseTo(expected[i]!, 9);
    }
    // The second case: LibMTL's objective 0.3929 vs the exact minimum 0.3808.
    const [t, gram] = libmtlCases[1]!;
    const g = Float64Array.from(gram);
    expect(objective(g, t, minNormSimplex(g, t))).toBeLessThan(
      objective(g, t, minNormSimplexFrankWolfe(g, t)) - 0.01,
    );
  });

  it('stays on the simplex and terminates for every size', () => {
    for (const t of sizes) {
      const { gram } = randomGrads(t, Math.max(1, t - 1), 3 * t);
      const a = minNormSimplexFrankWolfe(gram, t, { maxIter: 5 });
      expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      for (const v of a) expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});
