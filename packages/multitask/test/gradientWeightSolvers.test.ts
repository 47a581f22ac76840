/**
 * The gradient methods that solve for task weights from the task gradients or their Gramian —
 * MGDA, IMTL, Aligned-MTL, UPGrad and DualProj, CAGrad, Nash-MTL, FairGrad — against their
 * references and their defining properties.
 */
import type { Parameter, Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { eigh, Generator, randn, Tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { HardSharing } from '../src/architectures/HardSharing';
import { AlignedMTL } from '../src/methods/AlignedMTL';
import { CAGrad } from '../src/methods/CAGrad';
import { DualProj } from '../src/methods/DualProj';
import { FairGrad } from '../src/methods/FairGrad';
import type { GradientAggregation } from '../src/methods/GradientAggregation';
import { IMTL } from '../src/methods/IMTL';
import { MGDA } from '../src/methods/MGDA';
import { NashMTL } from '../src/methods/NashMTL';
import { UPGrad } from '../src/methods/UPGrad';
import { gramian } from '../src/methods/WeightingMethod';
import { aggregator } from './fixtures/aggregate';

const dotp = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Random T×d gradient matrices, every one with at least one conflicting pair. */
function conflicting(t: number, d: number, count: number, seed = 7): number[][][] {
  const g = new Generator(seed);
  const out: number[][][] = [];
  while (out.length < count) {
    const m = randn([t, d], { dtype: 'float64', generator: g }).toArray() as number[][];
    let conflict = false;
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) if (dotp(m[i]!, m[j]!) < 0) conflict = true;
    if (conflict) out.push(m.map((row, i) => row.map((v) => v * (i + 1))));
  }
  return out;
}

const expectClose = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 10) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, digits);
};

describe('MGDA', () => {
  it('the exact min-norm d is a common descent direction: ⟨d, gᵢ⟩ ≥ ‖d‖² for every task', () => {
    for (const t of [2, 3, 4]) {
      for (const rows of conflicting(t, 6, 10, t)) {
        const { direction } = aggregator(new MGDA({ solver: 'exact' }))(rows);
        const dd = dotp(direction, direction);
        for (const row of rows) expect(dotp(direction, row)).toBeGreaterThanOrEqual(dd - 1e-10);
      }
    }
  });

  it('Frank–Wolfe (the default, LibMTL’s) is close to the exact min-norm point', () => {
    for (const rows of conflicting(4, 6, 10, 3)) {
      const fw = aggregator(new MGDA())(rows).direction;
      const exact = aggregator(new MGDA({ solver: 'exact' }))(rows).direction;
      expect(dotp(fw, fw)).toBeGreaterThanOrEqual(dotp(exact, exact) - 1e-12);
      expect(dotp(fw, fw)).toBeLessThanOrEqual(dotp(exact, exact) * (1 + 1e-3) + 1e-12);
    }
  });

  it('matches the 2-task closed form γ = clamp(((g₂−g₁)·g₂)/‖g₁−g₂‖², 0, 1)', () => {
    for (const rows of conflicting(2, 5, 10, 11)) {
      const [g1, g2] = rows as [number[], number[]];
      const diff = g1.map((v, k) => v - g2[k]!);
      const gamma = Math.min(
        1,
        Math.max(
          0,
          dotp(
            g2.map((v, k) => v - g1[k]!),
            g2,
          ) / dotp(diff, diff),
        ),
      );
      for (const solver of ['exact', 'frankWolfe'] as const) {
        const { weights } = aggregator(new MGDA({ solver }))(rows);
        // LibMTL's closed form stops at 0.999/0.001 at the ends; interior γ are exact.
        if (solver === 'exact' || (gamma > 0.001 && gamma < 0.999))
          expectClose(weights, [gamma, 1 - gamma], 10);
      }
    }
  });

  it('normalises as LibMTL: weights on the raw gradients are αᵢ/nᵢ', () => {
    const rows = [
      [3, 0],
      [0, 1],
    ];
    // l2: ĝ = e₁, e₂ → α = ½, ½, weights ½/3, ½/1.
    expectClose(aggregator(new MGDA({ normalization: 'l2', solver: 'exact' }))(rows).weights, [1 / 6, 1 / 2]);
    // loss: ĝ = g/L with L = (3, 1) → e₁, e₂ again.
    expectClose(aggregator(new MGDA({ normalization: 'loss', solver: 'exact' }))(rows, [3, 1]).weights, [
      1 / 6,
      1 / 2,
    ]);
    // loss+: nᵢ = Lᵢ‖gᵢ‖ = (6, 1) → ĝ = e₁/2, e₂ → α = (0.8, 0.2).
    expectClose(aggregator(new MGDA({ normalization: 'loss+', solver: 'exact' }))(rows, [2, 1]).weights, [
      0.8 / 6,
      0.2,
    ]);
    expect(() => new MGDA({ normalization: 'l1' as 'l2' })).toThrow(
      /normalization must be one of "none", "l2", "loss", "loss\+" — got "l1"/,
    );
  });
});

describe('IMTL', () => {
  it('d has equal projections on every unit task gradient, and the weights sum to 1', () => {
    for (const t of [2, 3, 4]) {
      for (const rows of conflicting(t, 6, 5, 20 + t)) {
        const { direction, weights } = aggregator(new IMTL())(rows);
        expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        const proj = rows.map((r) => dotp(direction, r) / Math.sqrt(dotp(r, r)));
        for (const p of proj) expect(p).toBeCloseTo(proj[0]!, 9);
      }
    }
  });

  it('equals LibMTL’s closed form α₂..T = g₁Uᵀ(DUᵀ)⁻¹ for 2 tasks', () => {
    const [g1, g2] = [
      [2, 1, 0],
      [-1, 3, 1],
    ];
    const n1 = Math.sqrt(dotp(g1, g1));
    const n2 = Math.sqrt(dotp(g2, g2));
    const D = g1.map((v, k) => v - g2[k]!);
    const U = g1.map((v, k) => v / n1 - g2[k]! / n2);
    const a2 = dotp(g1, U) / dotp(D, U);
    expectClose(aggregator(new IMTL())([g1, g2]).weights, [1 - a2, a2], 12);
  });
});

describe('AlignedMTL', () => {
  it('the aligned gradients B·G are orthogonal with equal norm √λ_min, and d is their sum', () => {
    for (const t of [2, 3, 4]) {
      for (const rows of conflicting(t, 6, 5, 30 + t)) {
        const { direction } = aggregator(new AlignedMTL())(rows);
        const gram = gramian(rows.map((r) => Float64Array.from(r)));
        const lambdaMin = minEigen(gram, t);
        // d = Σ of T orthogonal aligned gradients of norm √λ_min: ‖d‖² = T·λ_min.
        expect(dotp(direction, direction)).toBeCloseTo(t * lambdaMin, 8);
        // G·d = √λ_min·(GGᵀ)^{1/2}·1, so ‖G·d‖² = λ_min·‖Σᵢ gᵢ‖².
        const gd = rows.map((r) => dotp(direction, r));
        const sum = rows[0]!.map((_, k) => rows.reduce((s, r) => s + r[k]!, 0));
        expect(dotp(gd, gd)).toBeCloseTo(lambdaMin * dotp(sum, sum), 8);
      }
    }
  });

  it('discards zero eigenvalues: a duplicated task does not blow up the weights', () => {
    const rows = [
      [1, 2, 0],
      [1, 2, 0],
      [0, -1, 1],
    ];
    const { weights } = aggregator(new AlignedMTL())(rows);
    expect(weights.every((w) => Number.isFinite(w) && Math.abs(w) < 10)).toBe(true);
    expect(weights[0]).toBeCloseTo(weights[1]!, 10);
  });
});

describe('UPGrad and DualProj', () => {
  for (const [name, make] of [
    ['UPGrad', (eps?: number) => new UPGrad({ eps })],
    ['DualProj', (eps?: number) => new DualProj({ eps })],
  ] as const) {
    it(`${name}'s d conflicts with no task on random conflicting 3–4-task matrices (ε = 0)`, () => {
      for (const t of [3, 4]) {
        for (const rows of conflicting(t, 5, 20, 40 + t)) {
          const { direction } = aggregator(make(0))(rows);
          for (const row of rows) expect(dotp(direction, row)).toBeGreaterThanOrEqual(-1e-10);
        }
      }
    });

    it(`${name} with the default ε conflicts at most by ε·tr(GGᵀ)·wᵢ`, () => {
      for (const rows of conflicting(4, 5, 20, 50)) {
        const { direction, weights } = aggregator(make())(rows);
        const trace = rows.reduce((s, r) => s + dotp(r, r), 0);
        rows.forEach((row, i) => {
          expect(dotp(direction, row)).toBeGreaterThanOrEqual(-1e-4 * trace * weights[i]! - 1e-10);
        });
      }
    });
  }

  it('DualProj leaves a non-conflicting mean unchanged', () => {
    const rows = [
      [1, 0.2],
      [0.3, 1],
      [1, 1],
    ];
    expectClose(aggregator(new DualProj())(rows).weights, [1 / 3, 1 / 3, 1 / 3], 12);
  });
});

describe('CAGrad', () => {
  it('with calpha = 0 is the mean gradient', () => {
    for (const rows of conflicting(3, 4, 5, 60)) {
      const { direction, weights } = aggregator(new CAGrad({ calpha: 0 }))(rows);
      expectClose(weights, [1 / 3, 1 / 3, 1 / 3], 14);
      expectClose(
        direction,
        rows[0]!.map((_, k) => (rows[0]![k]! + rows[1]![k]! + rows[2]![k]!) / 3),
        14,
      );
    }
  });

  it('(rescale 0) d is the point of the ball of radius c around g₀ that maximises the worst task’s ⟨gᵢ, d⟩', () => {
    const g = new Generator(3);
    for (const rows of conflicting(3, 4, 5, 61)) {
      const { direction } = aggregator(new CAGrad({ calpha: 0.5, rescale: 0 }))(rows);
      const g0 = rows[0]!.map((_, k) => rows.reduce((s, r) => s + r[k]!, 0) / 3);
      const c = 0.5 * Math.sqrt(dotp(g0, g0));
      const offset = direction.map((v, k) => v - g0[k]!);
      expect(Math.sqrt(dotp(offset, offset))).toBeCloseTo(c, 9);
      const worst = (d: ArrayLike<number>) => Math.min(...rows.map((r) => dotp(r, d)));
      const best = worst(direction);
      for (let trial = 0; trial < 200; trial++) {
        const u = randn([4], { dtype: 'float64', generator: g }).toArray() as number[];
        const n = Math.sqrt(dotp(u, u));
        expect(worst(g0.map((v, k) => v + (c * u[k]!) / n))).toBeLessThanOrEqual(best + 1e-9);
      }
    }
  });

  it('validates its options', () => {
    expect(() => new CAGrad({ calpha: -1 })).toThrow(/calpha must be a finite number ≥ 0 — got -1/);
    expect(() => new CAGrad({ rescale: 3 as 1 })).toThrow(/rescale must be one of 0, 1, 2 — got 3/);
  });
});

describe('NashMTL', () => {
  it('α satisfies the bargaining fixed point α ⊙ (GTG·α) = 1 on the normalised Gramian', () => {
    for (const t of [2, 3, 4]) {
      for (const rows of conflicting(t, 6, 5, 70 + t)) {
        const { weights } = aggregator(new NashMTL({ maxNorm: 0 }))(rows);
        const gram = gramian(rows.map((r) => Float64Array.from(r)));
        const f = Math.sqrt(gram.reduce((s, v) => s + v * v, 0));
        weights.forEach((a, i) => {
          expect(a).toBeGreaterThan(0);
          let ga = 0;
          for (let j = 0; j < t; j++) ga += (gram[i * t + j]! / f) * weights[j]!;
          expect(a * ga).toBeCloseTo(1, 10);
        });
      }
    }
  });

  it('clips d to maxNorm as clip_grad_norm_ does, and reports the clipped weights', () => {
    const rows = conflicting(3, 6, 1, 80)[0]!;
    const free = aggregator(new NashMTL({ maxNorm: 0 }))(rows);
    const norm = Math.sqrt(dotp(free.direction, free.direction));
    const maxNorm = norm / 4;
    const clipped = aggregator(new NashMTL({ maxNorm }))(rows);
    const factor = maxNorm / (norm + 1e-6);
    expectClose(
      clipped.direction,
      Array.from(free.direction, (v) => v * factor),
      12,
    );
    expectClose(
      clipped.weights,
      free.weights.map((w) => w * factor),
      12,
    );
  });

  it('refuses updateWeightsEvery below 1 (its reuse of α is tested for every Gramian method in methodContract)', () => {
    expect(() => new NashMTL({ updateWeightsEvery: 0 })).toThrow(/updateWeightsEvery must be an integer ≥ 1/);
  });
});

describe('FairGrad', () => {
  it('x solves GGᵀx = x^(−1/α) for α = 1 and α = 2', () => {
    for (const alpha of [1, 2]) {
      for (const rows of conflicting(3, 6, 5, 90)) {
        const { weights } = aggregator(new FairGrad({ alpha }))(rows);
        const gram = gramian(rows.map((r) => Float64Array.from(r)));
        weights.forEach((x, i) => {
          let gx = 0;
          for (let j = 0; j < 3; j++) gx += gram[i * 3 + j]! * weights[j]!;
          expect(gx).toBeCloseTo(x ** (-1 / alpha), 8);
        });
      }
    }
  });
});

/** Each method with its documented factor s(g, T): with T copies of one gradient g, d = s·g. */
const ONE_TASK: [string, () => GradientAggregation, (g: number[], t: number) => number][] = [
  ['MGDA', () => new MGDA(), () => 1],
  [
    'MGDA (exact, l2)',
    () => new MGDA({ solver: 'exact', normalization: 'l2' }),
    (g) => 1 / Math.sqrt(dotp(g, g)),
  ],
  ['CAGrad', () => new CAGrad(), () => 1.5 / 1.25],
  ['IMTL', () => new IMTL(), () => 1],
  ['AlignedMTL', () => new AlignedMTL(), (_, t) => t],
  ['UPGrad', () => new UPGrad(), () => 1],
  ['DualProj', () => new DualProj(), () => 1],
  ['NashMTL (no clipping)', () => new NashMTL({ maxNorm: 0 }), (_, t) => t],
  [
    'NashMTL (clipped to 1)',
    () => new NashMTL(),
    (g, t) => Math.min(1, 1 / (t * Math.sqrt(dotp(g, g)) + 1e-6)) * t,
  ],
  ['FairGrad', () => new FairGrad(), (g, t) => Math.sqrt(t) / Math.sqrt(dotp(g, g))],
];

describe('one task: plain training up to the documented scaling', () => {
  for (const [name, make, factor] of ONE_TASK) {
    it(`${name}`, () => {
      const model = tinyModel({ a: 1 });
      const l = taskLosses(model);
      const plain = tinyModel({ a: 1 });
      Object.values(taskLosses(plain))[0]!.backward();
      make().backward(l, { shared: model.sharedParameters() });
      const g = grads(plain.sharedParameters()).flat();
      const s = factor(g, 1);
      expectClose(
        grads(model.sharedParameters()).flat(),
        g.map((v) => s * v),
        12,
      );
      expect(grads(model.taskParameters('a'))).toEqual(grads(plain.taskParameters('a')));
    });
  }
});

describe('identical task gradients give the common direction', () => {
  for (const [name, make, factor] of ONE_TASK) {
    it(`${name}`, () => {
      const g = [0.5, -1, 2, 0.25];
      const { direction } = aggregator(make())([g, g, g]);
      const s = factor(g, 3);
      expectClose(
        direction,
        g.map((v) => s * v),
        10,
      );
    });
  }
});

describe('through a model', () => {
  for (const [name, make] of ONE_TASK) {
    it(`${name} writes finite shared gradients, on the parameters and through the representation`, () => {
      for (const viaRepresentation of [false, true]) {
        const model = tinyModel({ a: 1, b: 2, c: 1 });
        const method = make();
        const weights = method.backward(taskLosses(model), {
          shared: model.sharedParameters(),
          representation: viaRepresentation ? model.representation : null,
        });
        expect(Object.keys(weights)).toEqual(['a', 'b', 'c']);
        for (const p of model.sharedParameters()) {
          expect(p.grad).not.toBeNull();
          expect(Array.from(p.grad!.data).every(Number.isFinite)).toBe(true);
        }
        expect(method.lastDiagnostics!.weights).toEqual(weights);
      }
    });
  }

  it('IMTL with lossScale is the hybrid with IMTL-L: sᵢ get e^{sᵢ}Lᵢ − 1, weights are αᵢe^{sᵢ}', () => {
    const model = tinyModel({ a: 1, b: 2 });
    const method = new IMTL({ lossScale: true }).init(['a', 'b']);
    const l = taskLosses(model);
    const values = Object.values(l).map((v) => v.item());
    const weights = method.backward(l, { shared: model.sharedParameters() });
    expect(method.parameters().length).toBe(2);
    method.parameters().forEach((s, i) => {
      expect(s.grad!.item()).toBeCloseTo(values[i]! - 1, 12);
    });
    expect(weights.a! + weights.b!).toBeCloseTo(1, 12);
    expect(method.stateDict()).toMatchObject({ step: 1, logScales: { a: 0, b: 0 } });
  });
});

function tinyModel(tasks: Record<string, number>): HardSharing {
  return HardSharing.mlp({
    inputSize: 4,
    hidden: [5, 3],
    tasks,
    dtype: 'float64',
    generator: new Generator(5),
  });
}

function taskLosses(model: HardSharing): Record<string, Variable> {
  const g = new Generator(9);
  const x = randn([6, 4], { dtype: 'float64', generator: g });
  const out = model.forward(x);
  return Object.fromEntries(
    Object.entries(out).map(([t, y]) => [t, mseLoss(y, randn(y.shape, { dtype: 'float64', generator: g }))]),
  );
}

const grads = (ps: Parameter[]) => ps.map((p) => Array.from(p.grad?.data ?? []));

/** The smallest eigenvalue of a small symmetric matrix. */
function minEigen(a: Float64Array, n: number): number {
  return eigh(new Tensor(Float64Array.from(a), [n, n], 'float64')).eigenvalues.data[0]!;
}
