/**
 * The gradient methods that edit the task gradients themselves — PCGrad's projections, GradVac,
 * GradDrop, DB-MTL, ConFIG, MoCo — against their references, and through a model.
 */
import type { Parameter, Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Generator, randn } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { EW, HardSharing, weightedSum } from '../src/index';
import { ConFIG } from '../src/methods/ConFIG';
import { DBMTL } from '../src/methods/DBMTL';
import { GradDrop } from '../src/methods/GradDrop';
import { GradVac } from '../src/methods/GradVac';
import { MoCo } from '../src/methods/MoCo';
import { PCGrad } from '../src/methods/PCGrad';
import { aggregationInput as given, runAggregate } from './fixtures/aggregate';

const dotOf = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const normOf = (a: ArrayLike<number>) => Math.sqrt(dotOf(a, a));
const cosOf = (a: ArrayLike<number>, b: ArrayLike<number>) => dotOf(a, b) / (normOf(a) * normOf(b));

// Three conflicting gradients in R⁴ (and one more task for random orders).
const CONFLICT = [
  [1, 0.5, -0.2, 0.3],
  [-0.8, 1, 0.4, -0.1],
  [0.3, -0.9, 1, 0.6],
];
const FOUR = [...CONFLICT, [-0.5, -0.4, -0.7, 1]];

const makeModel = (tasks: Record<string, number>, seed = 1) =>
  HardSharing.mlp({ inputSize: 4, hidden: [6, 5], tasks, dtype: 'float64', generator: new Generator(seed) });

function losses(model: HardSharing): Record<string, Variable> {
  const g = new Generator(2);
  const x = randn([7, 4], { dtype: 'float64', generator: g });
  const out = model.forward(x);
  return Object.fromEntries(
    model.tasks.map((t) => [t, mseLoss(out[t]!, randn(out[t]!.shape, { dtype: 'float64', generator: g }))]),
  );
}

const grads = (ps: Parameter[]) => ps.map((p) => Array.from(p.grad?.data ?? []));

/**
 * A method that keeps per-parameter state refuses a representation in `backward`, before any
 * gradient is taken (`needsParameters`), with a message that says what to pass instead.
 */
function expectRefusesRepresentation(method: DBMTL | MoCo): void {
  expect(method.needsParameters).toBe(true);
  const m = makeModel({ a: 1, b: 1 });
  const l = losses(m);
  expect(() =>
    method.backward(l, { shared: m.sharedParameters(), representation: m.representation }),
  ).toThrow(/not a representation/);
  expect(() =>
    method.backward(l, { shared: m.sharedParameters(), representation: m.representation }),
  ).toThrow(
    `${method.name}: keeps an average of parameter gradients across steps; give it the shared parameters, not a representation`,
  );
  // Nothing was written, and the method's state did not move.
  expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  expect(method.stateDict().step).toBe(0);
}

/** The shared gradient EW writes on a fresh model: the plain-training gradient. */
function plainShared(tasks: Record<string, number>): number[] {
  const m = makeModel(tasks);
  new EW().backward(losses(m), { shared: m.sharedParameters() });
  return grads(m.sharedParameters()).flat();
}

/** `m`'s shared gradients are one task's plain training gradients times `scale`, to `digits`. */
function expectPlainTraining(m: ReturnType<typeof makeModel>, scale = 1, digits = 12): void {
  const plain = plainShared({ a: 1 });
  grads(m.sharedParameters())
    .flat()
    .forEach((v, k) => {
      expect(v).toBeCloseTo(scale * plain[k]!, digits);
    });
}

describe('PCGrad', () => {
  it('returns the weights its direction applies (d = Σ wᵢ gᵢ), not 1 per task', () => {
    // g₀ = (1, 0) and g₁ = (−1, 1) conflict: each is projected off the other, so
    // d = g₀ + ½g₁ + g₁ + g₀ = 2·g₀ + 1.5·g₁ — the example.
    const { direction, weights } = runAggregate(
      new PCGrad({ order: 'fixed' }),
      given([
        [1, 0],
        [-1, 1],
      ]),
    );
    expect(weights[0]).toBeCloseTo(2, 7);
    expect(weights[1]).toBeCloseTo(1.5, 7);
    for (const rows of [CONFLICT, FOUR]) {
      const input = given(rows);
      const out = runAggregate(new PCGrad({ seed: 3 }), input);
      Array.from(weightedSum(input.rows, out.weights)).forEach((v, k) => {
        expect(v).toBeCloseTo(out.direction[k]!, 12);
      });
    }
    // Without conflicts nothing is projected: every weight is 1.
    expect(
      runAggregate(
        new PCGrad(),
        given([
          [1, 0],
          [1, 1],
        ]),
      ).weights,
    ).toEqual([1, 1]);
    // d = 2·(1, 0) + 1.5·(−1, 1), up to PCGrad's 1e-8 in each projection's denominator.
    expect(direction[0]).toBeCloseTo(0.5, 7);
    expect(direction[1]).toBeCloseTo(1.5, 7);
  });
});

describe('GradVac', () => {
  it('starts from ρ̂ = 0, so its first step projects conflicts away like PCGrad; the weights reproduce d', () => {
    const method = new GradVac({ order: 'fixed' });
    const input = given([
      [1, 0],
      [-1, 1],
    ]);
    const { direction, weights } = runAggregate(method, input);
    // g₀^PC = g₀ + (w₁ − 1)g₁ is orthogonal to g₁.
    const g0 = [1 + (weights[1]! - 1) * -1, (weights[1]! - 1) * 1];
    expect(dotOf(g0, [-1, 1])).toBeCloseTo(0, 7);
    Array.from(weightedSum(input.rows, weights)).forEach((v, k) => {
      expect(v).toBeCloseTo(direction[k]!, 12);
    });
  });

  it('raises the cosine of a pair to its target ρ̂ exactly, and updates ρ̂ by the EMA', () => {
    const method = new GradVac({ order: 'fixed', beta: 0.5 });
    method.loadStateDict({ tasks: 2, targets: [0, 0.5, 0.5, 0], generator: new Generator(0).getState() });
    const rows = [
      [1, 0],
      [0.2, 1],
    ];
    const rho = cosOf(rows[0]!, rows[1]!);
    expect(rho).toBeLessThan(0.5);
    const { weights } = runAggregate(method, given(rows));
    const g0 = [1 + (weights[1]! - 1) * 0.2, (weights[1]! - 1) * 1];
    expect(cosOf(g0, rows[1]!)).toBeCloseTo(0.5, 6);
    const targets = method.stateDict().targets as number[];
    expect(targets[1]).toBeCloseTo(0.25 + 0.5 * rho, 8);
  });

  it('is reproducible with a seed, with a fixed order, and after reset()', () => {
    for (const options of [{ seed: 7 }, { order: 'fixed' as const }]) {
      const a = new GradVac(options);
      const b = new GradVac(options);
      const first = runAggregate(a, given(FOUR)).direction;
      expect(Array.from(runAggregate(b, given(FOUR)).direction)).toEqual(Array.from(first));
      runAggregate(a, given(CONFLICT.concat([[0, 0, 1, 1]])));
      a.reset();
      expect(Array.from(runAggregate(a, given(FOUR)).direction)).toEqual(Array.from(first));
    }
  });

  it('round-trips its state: targets and the order generator', () => {
    const a = new GradVac({ seed: 3 });
    runAggregate(a, given(FOUR));
    const b = new GradVac({ seed: 99 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(Array.from(runAggregate(b, given(FOUR)).direction)).toEqual(
      Array.from(runAggregate(a, given(FOUR)).direction),
    );
  });

  it('keeps one target per group, and checks that the groups cover the gradient', () => {
    const method = new GradVac({ order: 'fixed', groups: [2, 2] });
    runAggregate(method, given(CONFLICT));
    expect((method.stateDict().targets as number[]).length).toBe(3 * 3 * 2);
    expect(() => runAggregate(new GradVac({ groups: [3] }), given(CONFLICT))).toThrow(
      /groups add up to 3.*4 elements/,
    );
    expect(() => new GradVac({ beta: 2 })).toThrow(/beta must be a number in \[0, 1\] — got 2/);
  });
});

describe('GradDrop', () => {
  it('refuses to run without a representation, clearly', () => {
    const m = makeModel({ a: 1, b: 1 });
    expect(() => new GradDrop().backward(losses(m), { shared: m.sharedParameters() })).toThrow(
      /GradDrop: works on the shared representation; pass \{ representation: model.representation \}/,
    );
  });

  it('with leak = 0 keeps only one sign per element; masks are seeded and reset', () => {
    const input = given(FOUR, { onRepresentation: true });
    const method = new GradDrop({ purity: 'element', seed: 5 });
    const { direction } = runAggregate(method, input);
    direction.forEach((v, e) => {
      const column = FOUR.map((row) => row[e]!);
      const positive = column.filter((g) => g > 0).reduce((s, g) => s + g, 0);
      const negative = column.filter((g) => g < 0).reduce((s, g) => s + g, 0);
      expect([positive, negative]).toContain(v);
    });
    expect(Array.from(runAggregate(new GradDrop({ purity: 'element', seed: 5 }), input).direction)).toEqual(
      Array.from(direction),
    );
    runAggregate(method, input);
    method.reset();
    expect(Array.from(runAggregate(method, input).direction)).toEqual(Array.from(direction));
  });

  it('with leak = 1 passes the plain sum; a state dict round trip replays the same masks', () => {
    const input = given(FOUR, { onRepresentation: true });
    const sum = weightedSum(input.rows, [1, 1, 1, 1]);
    expect(Array.from(runAggregate(new GradDrop({ purity: 'element', leak: 1 }), input).direction)).toEqual(
      Array.from(sum),
    );
    const a = new GradDrop({ purity: 'element', seed: 1 });
    runAggregate(a, input);
    const b = new GradDrop({ purity: 'element', seed: 2 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(Array.from(runAggregate(b, input).direction)).toEqual(
      Array.from(runAggregate(a, input).direction),
    );
  });

  it('batch purity: masks per feature from Σ_batch sign(rep)·g, through a model; reproducible with a seed', () => {
    const run = () => {
      const m = makeModel({ a: 1, b: 2, c: 1 });
      const method = new GradDrop({ seed: 4 });
      method.backward(losses(m), { shared: m.sharedParameters(), representation: m.representation });
      return { g: grads(m.parameters()), weights: method.lastDiagnostics!.weights };
    };
    const first = run();
    expect(first.g.flat().every(Number.isFinite)).toBe(true);
    expect(first.g.flat().some((v) => v !== 0)).toBe(true);
    expect(run()).toEqual(first);
    expect(() => runAggregate(new GradDrop(), given(FOUR, { onRepresentation: true }))).toThrow(
      /purity 'batch'/,
    );
  });

  it('with one task is plain training', () => {
    const m = makeModel({ a: 1 });
    new GradDrop({ seed: 3 }).backward(losses(m), {
      shared: m.sharedParameters(),
      representation: m.representation,
    });
    expectPlainTraining(m);
  });
});

describe('DBMTL', () => {
  it('first step by hand: ĝ = (1−β)g/(L+ε), α = max‖ĝ‖/(‖ĝᵢ‖+ε), d = Σαĝ', () => {
    const rows = [
      [3, 0, 4],
      [0, 1, 0],
    ];
    const lossValues = [2, 0.5];
    const { direction, weights } = runAggregate(new DBMTL(), given(rows, { losses: lossValues }));
    // ĝ₀ = 0.1·[3,0,4]/2 → ‖ĝ₀‖ = 0.25; ĝ₁ = 0.1·[0,1,0]/0.5 → ‖ĝ₁‖ = 0.2.
    const n0 = 0.5 / (2 + 1e-8);
    const n1 = 0.1 / (0.5 + 1e-8);
    expect(weights[0]).toBeCloseTo(n0 / (n0 + 1e-8), 14);
    expect(weights[1]).toBeCloseTo(n0 / (n1 + 1e-8), 14);
    const expected = [(0.3 / (2 + 1e-8)) * weights[0]!, n1 * weights[1]!, (0.4 / (2 + 1e-8)) * weights[0]!];
    Array.from(direction).forEach((v, k) => {
      expect(v).toBeCloseTo(expected[k]!, 14);
    });
  });

  it('averages over steps; reset() and a state dict round trip', () => {
    const a = new DBMTL();
    const first = runAggregate(a, given(CONFLICT)).direction;
    const second = runAggregate(a, given(CONFLICT)).direction;
    // Same gradients twice: ĝ = (1 − β²)g, and d scales with it (up to the 1e-8 in α).
    Array.from(second).forEach((v, k) => {
      expect(v).toBeCloseTo((first[k]! * 0.19) / 0.1, 6);
    });
    const b = new DBMTL();
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(Array.from(runAggregate(b, given(FOUR.slice(1))).direction)).toEqual(
      Array.from(runAggregate(a, given(FOUR.slice(1))).direction),
    );
    a.reset();
    expect(Array.from(runAggregate(a, given(CONFLICT)).direction)).toEqual(Array.from(first));
    expect(() => runAggregate(a, given(FOUR))).toThrow(/changed from 3×4 to 4×4 — call reset\(\)/);
    expectRefusesRepresentation(new DBMTL());
  });

  it('with one task is plain training scaled by (1−β)/(L+ε)', () => {
    const m = makeModel({ a: 1 });
    const l = losses(m);
    const value = l.a!.item();
    new DBMTL().backward(l, { shared: m.sharedParameters() });
    expectPlainTraining(m, 0.1 / (value + 1e-8), 6);
  });
});

describe('ConFIG', () => {
  it('has ⟨d, gᵢ⟩ ≥ 0 and the same cosine with every gradient; the weights reproduce d', () => {
    for (const rows of [CONFLICT, FOUR]) {
      const input = given(rows);
      const { direction, weights } = runAggregate(new ConFIG(), input);
      const cosines = rows.map((g) => cosOf(direction, g));
      for (const c of cosines) {
        expect(c).toBeGreaterThan(0);
        expect(c).toBeCloseTo(cosines[0]!, 10);
      }
      // d = (Σ gᵢ·u)·u
      const u = Array.from(direction, (v) => v / normOf(direction));
      const length = rows.reduce((s, g) => s + dotOf(g, u), 0);
      expect(normOf(direction)).toBeCloseTo(length, 10);
      Array.from(weightedSum(input.rows, weights)).forEach((v, k) => {
        expect(v).toBeCloseTo(direction[k]!, 12);
      });
    }
  });

  it('ignores a zero gradient, and gives zero when all are zero', () => {
    const { direction } = runAggregate(
      new ConFIG(),
      given([
        [1, 0, 0],
        [0, 0, 0],
        [0, 1, 0],
      ]),
    );
    expect(cosOf(direction, [1, 0, 0])).toBeCloseTo(cosOf(direction, [0, 1, 0]), 12);
    expect(
      Array.from(
        runAggregate(
          new ConFIG(),
          given([
            [0, 0],
            [0, 0],
          ]),
        ).direction,
      ),
    ).toEqual([0, 0]);
  });

  it('with one task is plain training', () => {
    const m = makeModel({ a: 1 });
    new ConFIG().backward(losses(m), { shared: m.sharedParameters() });
    expectPlainTraining(m);
  });
});

describe('MoCo', () => {
  it('first step by hand: y = βLg/‖g‖, λ = softmax(1/T − γYYᵀ/T), d = Yᵀλ', () => {
    const rows = [
      [3, 4],
      [0, -2],
    ];
    const { direction, weights } = runAggregate(new MoCo(), given(rows, { losses: [2, 1] }));
    const y = [
      [0.5 * 2 * 0.6, 0.5 * 2 * 0.8],
      [0, -0.5],
    ];
    const yy = y.map((a) => y.map((b) => dotOf(a, b)));
    const logits = yy.map((r) => 0.5 - 0.1 * (r[0]! * 0.5 + r[1]! * 0.5));
    const z = logits.map(Math.exp);
    const lambda = z.map((v) => v / (z[0]! + z[1]!));
    weights.forEach((w, i) => {
      expect(w).toBeCloseTo(lambda[i]!, 7);
    });
    const d = [0, 1].map((k) => lambda[0]! * y[0]![k]! + lambda[1]! * y[1]![k]!);
    Array.from(direction).forEach((v, k) => {
      expect(v).toBeCloseTo(d[k]!, 7);
    });
  });

  it('keeps λ on the simplex; reset() and a state dict round trip', () => {
    const a = new MoCo({ gamma: 0.5, rho: 0.1 });
    const g = new Generator(11);
    for (let step = 0; step < 20; step++) {
      const rows = FOUR.map((row) => row.map((v) => v + 0.5 * g.normal()));
      const { weights } = runAggregate(a, given(rows, { losses: [1, 2, 0.5, 3] }));
      for (const w of weights) expect(w).toBeGreaterThanOrEqual(0);
      expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    }
    const b = new MoCo({ gamma: 0.5, rho: 0.1 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(Array.from(runAggregate(b, given(FOUR)).direction)).toEqual(
      Array.from(runAggregate(a, given(FOUR)).direction),
    );
    a.reset();
    const fresh = new MoCo({ gamma: 0.5, rho: 0.1 });
    expect(Array.from(runAggregate(a, given(FOUR)).direction)).toEqual(
      Array.from(runAggregate(fresh, given(FOUR)).direction),
    );
    expect(() => runAggregate(a, given(CONFLICT))).toThrow(/call reset\(\)/);
    expectRefusesRepresentation(new MoCo());
  });

  it('with one task is plain training scaled by βL/‖g‖', () => {
    const m = makeModel({ a: 1 });
    const l = losses(m);
    const value = l.a!.item();
    new MoCo().backward(l, { shared: m.sharedParameters() });
    expectPlainTraining(m, (0.5 * value) / (normOf(plainShared({ a: 1 })) + 1e-8));
  });
});

describe('the direction methods through a model', () => {
  it('each head gets its own task’s gradient (DB-MTL: of its log-loss), and the shared gradients are finite', () => {
    const methods = [
      () => ({ method: new GradVac({ seed: 1 }), rep: false }),
      () => ({ method: new GradDrop({ seed: 1 }), rep: true }),
      () => ({ method: new DBMTL(), rep: false }),
      () => ({ method: new ConFIG(), rep: false }),
      () => ({ method: new MoCo(), rep: false }),
    ];
    const tasks = { a: 1, b: 2, c: 1 };
    const reference = makeModel(tasks);
    new EW().backward(losses(reference), { shared: reference.sharedParameters() });
    for (const make of methods) {
      const { method, rep } = make();
      const m = makeModel(tasks);
      const weights = method.backward(losses(m), {
        shared: m.sharedParameters(),
        representation: rep ? m.representation : null,
      });
      expect(Object.keys(weights)).toEqual(['a', 'b', 'c']);
      const lossValues = Object.fromEntries(
        Object.entries(losses(makeModel(tasks))).map(([t, l]) => [t, l.item()]),
      );
      for (const task of m.tasks) {
        // DB-MTL gives heads ∇log(Lᵢ + 1e-8) = ∇Lᵢ/(Lᵢ + 1e-8), as LibMTL; the others ∇Lᵢ.
        const scale = method instanceof DBMTL ? 1 / (lossValues[task]! + 1e-8) : 1;
        const expected = grads(reference.taskParameters(task)).map((g) => g.map((v) => v * scale));
        grads(m.taskParameters(task)).forEach((g, i) => {
          for (const [k, v] of g.entries()) expect(v).toBeCloseTo(expected[i]![k]!, 12);
        });
      }
      expect(grads(m.sharedParameters()).flat().every(Number.isFinite)).toBe(true);
    }
  });

  it('GradVac with one task is plain training', () => {
    const m = makeModel({ a: 1 });
    new GradVac().backward(losses(m), { shared: m.sharedParameters() });
    expect(grads(m.sharedParameters()).flat()).toEqual(plainShared({ a: 1 }));
  });
});
