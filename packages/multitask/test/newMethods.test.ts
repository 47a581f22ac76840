/**
 * ExcessMTL, SDMGrad, MoDo (LibMTL) and Krum, TrimmedMean (TorchJD), by hand on small gradient
 * rows: each rule worked out on numbers, one task, identical tasks, state across steps, and the
 * errors. Their PyTorch trajectories are in reference.test.ts; SDMGrad's and MoDo's Gramian
 * contract in gramianContract.test.ts; Krum's and TrimmedMean's properties are here, since they
 * need three tasks or more.
 */
import { add, mul, Parameter, sum, type Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Generator, MtlError, randn, Tensor, zeros } from '@mtl/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExcessMTL,
  HardSharing,
  Krum,
  MoDo,
  projectSimplex,
  SDMGrad,
  TrimmedMean,
  taskGradients,
  WeightingError,
  type WeightingMethod,
} from '../src/index';
import { aggregator } from './fixtures/aggregate';

/**
 * `backward` on losses Lᵢ = ⟨gᵢ, w⟩ + cᵢ of one shared parameter w (so ∇Lᵢ = gᵢ and Lᵢ = cᵢ),
 * `steps` times with the same rows: the direction written into w and the last call's weights.
 */
function run(
  method: WeightingMethod,
  rows: number[][],
  { losses = rows.map(() => 1), steps = 1 }: { losses?: number[]; steps?: number } = {},
): { direction: number[]; weights: number[] } {
  const d = rows[0]!.length;
  const w = new Parameter(zeros([d], { dtype: 'float64' }));
  const gs = rows.map((g) => new Tensor(Float64Array.from(g), [d], 'float64'));
  let weights: Record<string, number> = {};
  for (let k = 0; k < steps; k++) {
    w.zeroGrad();
    const ls = Object.fromEntries(gs.map((g, i) => [`t${i}`, add(sum(mul(w, g)), losses[i]!)]));
    weights = method.backward(ls, { shared: [w] });
  }
  return { direction: Array.from(w.grad!.data), weights: rows.map((_, i) => weights[`t${i}`]!) };
}

/** Σ wᵢgᵢ */
const combination = (rows: number[][], weights: number[]) =>
  rows[0]!.map((_, k) => rows.reduce((s, r, i) => s + weights[i]! * r[k]!, 0));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]!).toBeCloseTo(expected[i]!, digits);
}

const G = [0.5, -1, 2, 0.25];

const model = (tasks: Record<string, number>) =>
  HardSharing.mlp({ inputSize: 4, hidden: [5], tasks, dtype: 'float64', generator: new Generator(3) });

function losses(m: HardSharing): Record<string, Variable> {
  const g = new Generator(4);
  const out = m.forward(randn([6, 4], { dtype: 'float64', generator: g }));
  return Object.fromEntries(
    m.tasks.map((t) => [t, mseLoss(out[t]!, randn(out[t]!.shape, { dtype: 'float64', generator: g }))]),
  );
}

describe('projectSimplex', () => {
  it('is the Euclidean projection onto the simplex', () => {
    expectClose(projectSimplex([0.45, 0.3]), [0.575, 0.425], 15);
    expectClose(projectSimplex([-0.9, -5.3]), [1, 0], 15);
    expectClose(projectSimplex([0.2, 0.3, 0.5]), [0.2, 0.3, 0.5], 15);
    expectClose(projectSimplex([2, 1, -1]), [1, 0, 0], 15);
    expectClose(projectSimplex([1, 1, 1, 1]), [0.25, 0.25, 0.25, 0.25], 15);
  });
});

describe('ExcessMTL', () => {
  it('keeps λ = 1 at the first step, then λᵢ ∝ λᵢ·exp(η·eᵢ/e⁰ᵢ) with eᵢ = Σ gᵢ²/√(Sᵢ + 1e-7), Σλ = T', () => {
    const rows = [
      [1, 0.001, -2],
      [0.003, 0.5, 0.002],
    ];
    const method = new ExcessMTL({ robustStepSize: 0.5 });
    const first = run(method, rows);
    expect(first.weights).toEqual([1, 1]);
    expectClose(first.direction, combination(rows, [1, 1]), 14);
    // Step 2 with the same rows: Sᵢ = 2gᵢ².
    const e = (row: number[], k: number) =>
      row.reduce((s, g) => s + (g * g) / Math.sqrt(k * g * g + 1e-7), 0);
    const raw = rows.map((r) => Math.exp(0.5 * (e(r, 2) / e(r, 1))));
    const expected = raw.map((v) => (2 * v) / (raw[0]! + raw[1]!));
    const second = run(method, rows);
    expectClose(second.weights, expected, 14);
    expectClose(second.direction, combination(rows, expected), 14);
    expect(method.stateDict()).toMatchObject({ tasks: ['t0', 't1'], weights: expected });
  });

  it('is plain training with one task, and equal weights for identical tasks', () => {
    expect(run(new ExcessMTL({ robustStepSize: 1 }), [G], { steps: 3 })).toEqual({
      direction: G,
      weights: [1],
    });
    const same = run(new ExcessMTL({ robustStepSize: 1 }), [G, G, G], { steps: 3 });
    expectClose(same.weights, [1, 1, 1], 14);
    expectClose(
      same.direction,
      G.map((g) => 3 * g),
      13,
    );
  });

  it('weights the losses, so the heads get λᵢ∇Lᵢ too', () => {
    const m = model({ a: 1, b: 2 });
    const method = new ExcessMTL({ robustStepSize: 5 });
    method.backward(losses(m), { shared: m.sharedParameters() });
    for (const p of m.parameters()) p.zeroGrad();
    // Task a's loss (and gradient) ten times larger: its excess-risk estimate grows ~10/√(1 + 1/100)-fold.
    const l = losses(m);
    l.a = mul(l.a!, 10);
    const own = taskGradients([l.b!], m.taskParameters('b')).rows[0]!;
    const weights = method.backward(l, { shared: m.sharedParameters() });
    expect(weights.a!).toBeGreaterThan(1.9);
    expectClose(
      m.taskParameters('b').flatMap((p) => Array.from(p.grad!.data)),
      Array.from(own, (v) => weights.b! * v),
      12,
    );
  });

  it('keeps its task set and gradient length until reset(), and round-trips its state', () => {
    const method = new ExcessMTL();
    run(method, [G, G.map((g) => -g)]);
    const state = JSON.parse(JSON.stringify(method.stateDict()));
    expect(() => run(method, [G, G, G])).toThrow(
      'ExcessMTL: the tasks changed from [t0, t1] to [t0, t1, t2]',
    );
    expect(() => run(method, [[1], [2]])).toThrow(
      /ExcessMTL: the shared gradients changed length from 4 to 1/,
    );
    const copy = new ExcessMTL();
    copy.loadStateDict(state);
    const rows = [G, [1, 2, 3, 4]];
    expect(run(copy, rows)).toEqual(run(method, rows));
    method.reset();
    expect(method.stateDict()).toEqual({ tasks: null, weights: [], initial: null, squaredSums: [] });
    expect(run(method, [G, G, G]).weights).toEqual([1, 1, 1]);
  });

  it('needs the shared parameters, and checks its options', () => {
    const m = model({ a: 1, b: 1 });
    expect(() =>
      new ExcessMTL().backward(losses(m), { shared: [], representation: m.representation }),
    ).toThrow(MtlError);
    expect(() => new ExcessMTL().backward(losses(m), { shared: [] })).toThrow(
      /ExcessMTL: estimates each task’s excess risk .* pass \{ shared: model.sharedParameters\(\) \}/,
    );
    expect(() => new ExcessMTL({ robustStepSize: 0 })).toThrow(
      'ExcessMTL: robustStepSize must be a finite number > 0 — got 0',
    );
    expect(() => new ExcessMTL({ eta: 1 } as never)).toThrow(WeightingError);
  });
});

describe('SDMGrad', () => {
  it('takes projected SGD-with-momentum steps on the normalised Gramian; weights (w + λ/T)/(1 + λ)', () => {
    // g₁ = (1, 0), g₂ = (0, 2): s = mean(1, 2) = 1.5, A = diag(1, 4)/(2.25 + 1e-8).
    const rows = [
      [1, 0],
      [0, 2],
    ];
    const a = [1 / (2.25 + 1e-8), 4 / (2.25 + 1e-8)];
    // One inner step from w = (½, ½): grad = A(w + λ/2) = 0.65·A; w − 5·grad is projected.
    const step = [0.5 - 5 * 0.65 * a[0]!, 0.5 - 5 * 0.65 * a[1]!];
    const w = projectSimplex(step);
    expectClose(w, [1, 0], 15);
    const { direction, weights } = run(new SDMGrad({ niter: 1 }), rows);
    expectClose(weights, [1.15 / 1.3, 0.15 / 1.3], 14);
    expectClose(direction, [1.15 / 1.3, (2 * 0.15) / 1.3], 14);
    // The default 20 steps with momentum: w stays on the simplex, so each weight is in
    // [λ/T, 1 + λ/T]/(1 + λ), and they sum to 1.
    const full = run(new SDMGrad(), rows).weights;
    expect(full[0]! + full[1]!).toBeCloseTo(1, 14);
    for (const v of full) {
      expect(v).toBeGreaterThanOrEqual(0.15 / 1.3 - 1e-15);
      expect(v).toBeLessThanOrEqual(1.15 / 1.3 + 1e-15);
    }
    // λ = 0 and the inner problem's min-norm point: w = (0.8, 0.2) balances A·w = (0.8, 0.8)/2.25.
    const exact = run(new SDMGrad({ lambda: 0, lr: 0.5, niter: 400, momentum: 0 }), rows);
    expectClose(exact.weights, [0.8, 0.2], 9);
  });

  it('carries w from step to step (momentum restarted), until reset()', () => {
    const rows = [
      [1, 0.2, -0.3],
      [-0.8, 0.4, 0.2],
      [0.1, -0.5, 0.9],
    ];
    const twice = new SDMGrad({ niter: 3 });
    run(twice, rows);
    const w = twice.stateDict().w as number[];
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    const second = run(twice, rows).weights;
    const once = run(new SDMGrad({ niter: 3 }), rows).weights;
    expect(second).not.toEqual(once);
    // A copy with the state continues the same way.
    const copy = new SDMGrad({ niter: 3 });
    copy.loadStateDict(JSON.parse(JSON.stringify({ ...twice.stateDict(), weights: null })));
    expect(run(copy, rows).weights).toEqual(run(twice, rows).weights);
    twice.reset();
    expect(twice.stateDict()).toEqual({ step: 0, weights: null, w: null });
    expect(run(twice, rows).weights).toEqual(once);
    expect(() => run(twice, rows.slice(0, 2))).toThrow('SDMGrad: the number of tasks changed from 3 to 2');
  });

  it('is plain training with one task, and the mean for identical tasks', () => {
    expect(run(new SDMGrad(), [G])).toEqual({ direction: G, weights: [1] });
    const same = run(new SDMGrad(), [G, G, G], { steps: 2 });
    expectClose(same.weights, [1 / 3, 1 / 3, 1 / 3], 12);
    expectClose(same.direction, G, 12);
  });

  it('checks its options', () => {
    expect(() => new SDMGrad({ niter: 0 })).toThrow('SDMGrad: niter must be an integer ≥ 1 — got 0');
    expect(() => new SDMGrad({ momentum: 1 })).toThrow(
      'SDMGrad: momentum must be a number in [0, 1) — got 1',
    );
    expect(() => new SDMGrad({ lr: 0 })).toThrow(WeightingError);
    expect(() => new SDMGrad({ lambda: -1 })).toThrow(WeightingError);
  });
});

describe('MoDo', () => {
  it('λ ← Π_Δ(λ − γ(GGᵀλ + ρλ)), one step per backward; d = Σ λᵢgᵢ', () => {
    const rows = [
      [1, 0],
      [0, 2],
    ];
    const method = new MoDo({ gamma: 0.1, rho: 0 });
    // λ = (½, ½): λ − 0.1·(½, 2) = (0.45, 0.3), projected: (0.575, 0.425).
    const first = run(method, rows);
    expectClose(first.weights, [0.575, 0.425], 15);
    expectClose(first.direction, [0.575, 0.85], 15);
    // Then from (0.575, 0.425): (0.5175, 0.255) → (0.63125, 0.36875).
    expectClose(run(method, rows).weights, [0.63125, 0.36875], 14);
    expect(method.stateDict()).toMatchObject({
      lambda: [expect.closeTo(0.63125, 14), expect.closeTo(0.36875, 14)],
    });
    // While λ is uniform, ρλ is a constant shift, which the projection ignores.
    expectClose(run(new MoDo({ gamma: 0.1, rho: 3 }), rows).weights, [0.575, 0.425], 14);
    // The default γ = 1e-3 moves λ little.
    const small = run(new MoDo(), rows).weights;
    expect(Math.abs(small[0]! - 0.5)).toBeLessThan(1e-3);
  });

  it('is plain training with one task, and the mean for identical tasks', () => {
    expect(run(new MoDo({ gamma: 0.3 }), [G], { steps: 3 })).toEqual({ direction: G, weights: [1] });
    const same = run(new MoDo({ gamma: 0.3 }), [G, G, G], { steps: 3 });
    expectClose(same.weights, [1 / 3, 1 / 3, 1 / 3], 14);
    expectClose(same.direction, G, 14);
  });

  it('forgets λ on reset(), refuses a changed task count, checks its options', () => {
    const method = new MoDo({ gamma: 0.5 });
    run(method, [G, [1, 0, 0, 0]], { steps: 2 });
    method.reset();
    expect(method.stateDict()).toEqual({ step: 0, weights: null, lambda: null });
    run(method, [G, [1, 0, 0, 0]]);
    expect(() => run(method, [G])).toThrow('MoDo: the number of tasks changed from 2 to 1');
    expect(() => new MoDo({ gamma: 0 })).toThrow('MoDo: gamma must be a finite number > 0 — got 0');
    expect(() => new MoDo({ rho: -1 })).toThrow(WeightingError);
  });
});

describe('Krum', () => {
  // On a line: distances |xᵢ − xⱼ|.
  const line = (xs: number[]) => xs.map((x) => [x, 0]);

  it('scores each gradient by its distances to its T − f − 2 nearest others and averages the m best', () => {
    // 0, 1, 2, 10 with f = 0: sums of the 2 nearest: 3, 2, 3, 17.
    const rows = line([0, 1, 2, 10]);
    expect(run(new Krum(), rows)).toEqual({ direction: [1, 0], weights: [0, 1, 0, 0] });
    // Multi-Krum, m = 2: task 1, then the tie 0 / 2 goes to task 0.
    const multi = run(new Krum({ nSelected: 2 }), rows);
    expect(multi.weights).toEqual([0.5, 0.5, 0, 0]);
    expectClose(multi.direction, [0.5, 0], 15);
    // f = 1: one nearest other; 0 and 1 tie at distance 1.
    expect(run(new Krum({ nByzantine: 1 }), rows).weights).toEqual([1, 0, 0, 0]);
  });

  it('never picks an outlier, however large', () => {
    const rows = [
      [1, 0.1],
      [0.9, 0],
      [1.1, 0.2],
      [1e6, -1e6],
      [1, -0.1],
    ];
    const { weights } = run(new Krum({ nByzantine: 1, nSelected: 3 }), rows);
    expect(weights[3]).toBe(0);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 15);
  });

  it('picks a copy of identical gradients (d = g); needs f + 3 tasks, so refuses one task', () => {
    expect(run(new Krum(), [G, G, G])).toEqual({ direction: G, weights: [1, 0, 0] });
    expect(() => run(new Krum(), [G])).toThrow(
      'Krum: needs at least 3 tasks (nByzantine + 3 = 3, nSelected = 1), got 1',
    );
    expect(() => run(new Krum({ nByzantine: 1 }), [G, G, G])).toThrow(WeightingError);
    expect(() => run(new Krum({ nSelected: 4 }), [G, G, G])).toThrow(/needs at least 4 tasks/);
  });

  it('checks its options', () => {
    expect(() => new Krum({ nByzantine: -1 })).toThrow('Krum: nByzantine must be an integer ≥ 0 — got -1');
    expect(() => new Krum({ nSelected: 0 })).toThrow('Krum: nSelected must be an integer ≥ 1 — got 0');
    expect(() => new Krum({ nSelected: 1.5 })).toThrow(WeightingError);
  });

  // Krum needs three tasks, so it is not in gramianContract's lists (which start at two).
  const rowsArb = (minT: number) =>
    fc
      .record({ t: fc.integer({ min: minT, max: 6 }), extra: fc.integer({ min: 0, max: 3 }), seed: fc.nat() })
      .map(({ t, extra, seed }) => {
        const g = new Generator(seed);
        return Array.from({ length: t }, () => Array.from({ length: t + extra }, () => g.normal()));
      });
  const RUNS = { numRuns: 60, seed: 18 };

  it('d = Σ wᵢgᵢ, and scaling every gradient leaves the weights unchanged', () => {
    fc.assert(
      fc.property(rowsArb(3), fc.constantFrom(0.01, 3, 250), (rows, c) => {
        const { direction, weights } = aggregator(new Krum({ nSelected: 2 }))(rows);
        expectClose(direction, combination(rows, weights), 12);
        const scaled = aggregator(new Krum({ nSelected: 2 }))(rows.map((r) => r.map((x) => c * x)));
        expect(scaled.weights).toEqual(weights);
      }),
      RUNS,
    );
  });

  it('permuting the tasks permutes the weights when T > f + 3 (with T = f + 3 the closest pair ties)', () => {
    fc.assert(
      fc.property(rowsArb(4), fc.nat(), (rows, k) => {
        const r = (k % (rows.length - 1)) + 1;
        const rotated = rows.map((_, i) => rows[(i + r) % rows.length]!);
        const w = aggregator(new Krum())(rows).weights;
        const v = aggregator(new Krum())(rotated).weights;
        v.forEach((vi, i) => {
          expect(vi).toBe(w[(i + r) % rows.length]);
        });
      }),
      RUNS,
    );
  });
});

describe('TrimmedMean', () => {
  it('drops the f largest and f smallest values of every coordinate and averages the rest', () => {
    const rows = [
      [1, 5],
      [2, -1],
      [10, 0],
    ];
    // f = 1 of 3: the coordinate-wise median, (2, 0): task 1 in coordinate 0, task 2 in 1.
    const { direction, weights } = run(new TrimmedMean(), rows);
    expect(direction).toEqual([2, 0]);
    // The weights are a summary (the share of coordinates keeping each task, over T − 2f) ...
    expect(weights).toEqual([0, 0.5, 0.5]);
    // ... not a combination that gives d.
    expect(combination(rows, weights)).toEqual([6, -0.5]);
    // f = 0 is the mean, with exact weights 1/T.
    const mean = run(new TrimmedMean({ trimNumber: 0 }), rows);
    expectClose(mean.direction, [13 / 3, 4 / 3], 15);
    expectClose(mean.weights, [1 / 3, 1 / 3, 1 / 3], 15);
  });

  it('ignores f outlying tasks in every coordinate, whatever their size', () => {
    const base = [
      [1, 2, 3],
      [1.5, 2.5, 2],
      [0.5, 3, 2.5],
      [1.2, 1.8, 3.1],
    ];
    const d = run(new TrimmedMean(), [...base, [1e9, -1e9, 1e9]]).direction;
    const e = run(new TrimmedMean(), [...base, [1e3, -1e3, 1e3]]).direction;
    expect(d).toEqual(e);
  });

  it('one task (f = 0) and identical tasks give g; equal values keep the lower task index', () => {
    expect(run(new TrimmedMean({ trimNumber: 0 }), [G])).toEqual({ direction: G, weights: [1] });
    expect(run(new TrimmedMean(), [G, G, G])).toEqual({ direction: G, weights: [0, 1, 0] });
    expect(() => run(new TrimmedMean(), [G])).toThrow(
      "TrimmedMean: trimNumber 1 drops 2 of every coordinate's values, which needs at least 3 tasks, got 1",
    );
    expect(() => run(new TrimmedMean({ trimNumber: 2 }), [G, G, G, G])).toThrow(WeightingError);
  });

  it('permuting the tasks leaves d unchanged; scaling them scales d; the weights sum to 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 6 }), fc.nat(), fc.constantFrom(0.01, 3, 250), (t, seed, c) => {
        const g = new Generator(seed);
        const rows = Array.from({ length: t }, () => Array.from({ length: 5 }, () => g.normal()));
        const { direction, weights } = aggregator(new TrimmedMean())(rows);
        expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
        expect(aggregator(new TrimmedMean())([...rows].reverse()).direction).toEqual(direction);
        expectClose(
          aggregator(new TrimmedMean())(rows.map((r) => r.map((x) => c * x))).direction,
          Array.from(direction, (x) => c * x),
          12,
        );
      }),
      { numRuns: 60, seed: 18 },
    );
  });

  it('checks its options', () => {
    expect(() => new TrimmedMean({ trimNumber: -1 })).toThrow(
      'TrimmedMean: trimNumber must be an integer ≥ 0 — got -1',
    );
    expect(() => new TrimmedMean({ trimNumber: 0.5 })).toThrow(WeightingError);
  });
});

describe('through a model', () => {
  const makers: [string, () => WeightingMethod][] = [
    ['ExcessMTL', () => new ExcessMTL()],
    ['SDMGrad', () => new SDMGrad()],
    ['MoDo', () => new MoDo()],
    ['Krum', () => new Krum()],
    ['TrimmedMean', () => new TrimmedMean()],
  ];
  for (const [name, make] of makers) {
    it(`${name} writes finite gradients for three tasks${name === 'ExcessMTL' ? '' : ', also through the representation'}`, () => {
      for (const viaRepresentation of name === 'ExcessMTL' ? [false] : [false, true]) {
        const m = model({ a: 1, b: 2, c: 1 });
        const method = make();
        const weights = method.backward(losses(m), {
          shared: m.sharedParameters(),
          representation: viaRepresentation ? m.representation : null,
        });
        expect(Object.keys(weights)).toEqual(['a', 'b', 'c']);
        for (const p of m.parameters()) expect(Array.from(p.grad!.data).every(Number.isFinite)).toBe(true);
        expect(method.lastDiagnostics!.weights).toEqual(weights);
      }
    });
  }

  it('TrimmedMean writes the coordinate-wise median of the shared gradients (three tasks)', () => {
    const m = model({ a: 1, b: 2, c: 1 });
    const l = losses(m);
    const { rows } = taskGradients(Object.values(l), m.sharedParameters());
    new TrimmedMean().backward(l, { shared: m.sharedParameters() });
    const median = rows[0]!.map((_, k) => rows.map((r) => r[k]!).sort((a, b) => a - b)[1]!);
    expectClose(
      m.sharedParameters().flatMap((p) => Array.from(p.grad!.data)),
      median,
      14,
    );
  });
});
