import { log, logsumexp, mul, type Parameter, pow, prod, stack, sum, type Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Generator, randn, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { HardSharing, IMTL, TaskScalars, UW } from '../src/index';
import { DWA } from '../src/methods/DWA';
import { FAMO } from '../src/methods/FAMO';
import { GLS } from '../src/methods/GLS';
import { GradNorm } from '../src/methods/GradNorm';
import { IMTLL } from '../src/methods/IMTLL';
import { RLW } from '../src/methods/RLW';
import { STCH } from '../src/methods/STCH';
import { StaticWeighting } from '../src/methods/StaticWeighting';
import { taskGradients, type WeightingMethod } from '../src/methods/WeightingMethod';

type Tasks = Record<string, number>;
const THREE: Tasks = { a: 1, b: 2, c: 1 };
const ONE: Tasks = { a: 1 };

const makeModel = (tasks: Tasks = THREE, seed = 1) =>
  HardSharing.mlp({ inputSize: 5, hidden: [8, 6], tasks, dtype: 'float64', generator: new Generator(seed) });

/** The task losses of a fixed batch, each multiplied by its factor (to vary the loss values). */
function losses(model: HardSharing, factors: Record<string, number> = {}): Record<string, Variable> {
  const g = new Generator(2);
  const x = randn([10, 5], { dtype: 'float64', generator: g });
  const out = model.forward(x);
  return Object.fromEntries(
    Object.entries(out).map(([t, y]) => {
      const target = randn(y.shape, { dtype: 'float64', generator: g });
      return [t, mul(mseLoss(y, target), factors[t] ?? 1)];
    }),
  );
}

const values = (l: Record<string, Variable>) =>
  Object.fromEntries(Object.entries(l).map(([t, v]) => [t, v.item()]));
const flatGrads = (ps: Parameter[]) => ps.flatMap((p) => Array.from(p.grad?.data ?? []));

function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i]!, digits);
  });
}

/** Runs `method` on one model and `reference` (a function back-propagating a scalar) on a twin. */
function compareWith(
  method: WeightingMethod,
  reference: (l: Record<string, Variable>) => Variable,
  options: { tasks?: Tasks; factors?: Record<string, number>; epoch?: number } = {},
): Record<string, number> {
  const m1 = makeModel(options.tasks);
  const m2 = makeModel(options.tasks);
  const weights = method.backward(losses(m1, options.factors), {
    shared: m1.sharedParameters(),
    epoch: options.epoch,
  });
  reference(losses(m2, options.factors)).backward();
  expectClose(flatGrads(m1.parameters()), flatGrads(m2.parameters()));
  return weights;
}

const weighted = (w: Record<string, number>) => (l: Record<string, Variable>) =>
  Object.entries(l).reduce<Variable | null>((acc, [t, v]) => {
    const term = mul(v, w[t]!);
    return acc === null ? term : acc.add(term);
  }, null)!;
const plain = (l: Record<string, Variable>) => l.a!;

const softmax = (x: number[]) => {
  const e = x.map((v) => Math.exp(v - Math.max(...x)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('DWA', () => {
  /** Runs the steps of each epoch with the given factors; returns the loss values seen and the weights. */
  function run(dwa: DWA, epochs: Record<string, number>[][], weights: Record<string, number>[] = []) {
    return epochs.map((steps, epoch) =>
      steps.map((factors) => {
        const m = makeModel();
        const l = losses(m, factors);
        weights.push(dwa.backward(l, { shared: m.sharedParameters(), epoch }));
        return values(l);
      }),
    );
  }
  const schedule = [
    [
      { a: 1, b: 1, c: 1 },
      { a: 2, b: 1, c: 3 },
    ],
    [
      { a: 0.5, b: 1.5, c: 1 },
      { a: 0.7, b: 1, c: 0.2 },
    ],
  ];

  it('uses λ = 1 in epochs 0 and 1, then T·softmax((L̄(e−1)/L̄(e−2))/τ) of the epoch-mean losses', () => {
    const dwa = new DWA();
    const early: Record<string, number>[] = [];
    const seen = run(dwa, schedule, early);
    expect(early).toEqual(Array(4).fill({ a: 1, b: 1, c: 1 }));
    const meanOf = (epoch: number, t: string) => (seen[epoch]![0]![t]! + seen[epoch]![1]![t]!) / 2;
    const ratios = ['a', 'b', 'c'].map((t) => meanOf(1, t) / meanOf(0, t));
    const expected = softmax(ratios.map((r) => r / 2)).map((p) => 3 * p);
    expect(dwa.epochMean('c', 1)).toBeCloseTo(meanOf(1, 'c'), 14);
    const m = makeModel();
    const w = dwa.backward(losses(m), { shared: m.sharedParameters(), epoch: 2 });
    expectClose(Object.values(w), expected, 14);
    // The gradient is that of Σ λᵢLᵢ.
    compareWith(new StaticWeighting(w), weighted(w));
    const dwa2 = new DWA({ temperature: 0.5 });
    run(dwa2, schedule);
    const m2 = makeModel();
    const w2 = dwa2.backward(losses(m2), { shared: m2.sharedParameters(), epoch: 2 });
    expectClose(
      Object.values(w2),
      softmax(ratios.map((r) => r / 0.5)).map((p) => 3 * p),
      14,
    );
  });

  it('writes the gradient of Σ λᵢLᵢ', () => {
    const dwa = new DWA();
    run(dwa, schedule);
    const m = makeModel();
    const probe = new DWA();
    probe.loadStateDict(dwa.stateDict());
    const w = probe.backward(losses(m), { shared: m.sharedParameters(), epoch: 2 });
    compareWith(dwa, weighted(w), { epoch: 2 });
  });

  it('refuses a missing epoch, a skipped epoch, and an epoch that goes back', () => {
    const m = makeModel();
    expect(() => new DWA().backward(losses(m), { shared: m.sharedParameters() })).toThrow(
      /DWA: needs the epoch — pass \{ shared, epoch \}/,
    );
    expect(() => new DWA().backward(losses(m), { shared: m.sharedParameters(), epoch: 3 })).toThrow(
      /no losses of task "a" were recorded in epoch 2; at epoch 3/,
    );
    const dwa = new DWA();
    dwa.backward(losses(m), { shared: m.sharedParameters(), epoch: 1 });
    expect(() => dwa.backward(losses(m), { shared: m.sharedParameters(), epoch: 0 })).toThrow(
      /epoch went back from 1 to 0; call reset\(\)/,
    );
    expect(() => new DWA({ temperature: 0 })).toThrow(/temperature must be a finite number > 0/);
  });

  it('reset() clears the history; stateDict round-trips through JSON', () => {
    const dwa = new DWA();
    run(dwa, schedule);
    const restored = new DWA();
    restored.loadStateDict(JSON.parse(JSON.stringify(dwa.stateDict())));
    const m1 = makeModel();
    const m2 = makeModel();
    expect(restored.backward(losses(m1), { shared: m1.sharedParameters(), epoch: 2 })).toEqual(
      dwa.backward(losses(m2), { shared: m2.sharedParameters(), epoch: 2 }),
    );
    dwa.reset();
    expect(dwa.epochMean('a', 1)).toBeUndefined();
    expect(dwa.stateDict()).toEqual({ lastEpoch: null, history: {} });
  });

  it('with one task is plain training (λ = 1 always)', () => {
    const dwa = new DWA();
    for (const epoch of [0, 1, 2, 3]) {
      expect(compareWith(dwa, plain, { tasks: ONE, epoch, factors: { a: 1 + epoch } })).toEqual({ a: 1 });
    }
  });
});

describe('GLS', () => {
  it('back-propagates (Π Lᵢ)^{1/T}, with weights GLS/(T·Lᵢ)', () => {
    const factors = { a: 0.5, b: 3, c: 1.7 };
    const w = compareWith(
      new GLS(),
      // A float64 exponent: with a JS-number exponent, pow's backward computes b − 1 in float32.
      (l) => pow(prod(stack([l.a!, l.b!, l.c!])), tensor(1 / 3, { dtype: 'float64' })),
      { factors },
    );
    const v = values(losses(makeModel(), factors));
    const g = Math.cbrt(v.a! * v.b! * v.c!);
    expectClose(Object.values(w), [g / (3 * v.a!), g / (3 * v.b!), g / (3 * v.c!)], 14);
  });

  it('refuses a non-positive loss, naming the task', () => {
    const m = makeModel();
    expect(() => new GLS().backward(losses(m, { b: 0 }), { shared: m.sharedParameters() })).toThrow(
      /GLS: the loss of task "b" is 0; GLS takes the geometric mean of the losses, which needs every loss > 0/,
    );
    expect(() => new GLS().backward(losses(m, { c: -1 }), { shared: m.sharedParameters() })).toThrow(
      /task "c" is -/,
    );
  });

  it('with one task is plain training', () => {
    expect(compareWith(new GLS(), plain, { tasks: ONE }).a).toBeCloseTo(1, 14);
  });
});

describe('RLW', () => {
  it('draws λ = softmax(z), z ~ N(0, I) from its seeded generator, anew every step', () => {
    const rlw = new RLW({ seed: 7 });
    const g = new Generator(7);
    const m = makeModel();
    const draws = [0, 1, 2].map(() => rlw.backward(losses(m), { shared: m.sharedParameters() }));
    for (const w of draws) {
      const expected = softmax([g.normal(), g.normal(), g.normal()]);
      expectClose(Object.values(w), expected, 15);
      expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    }
    expect(draws[0]).not.toEqual(draws[1]);
    compareWith(new RLW({ seed: 7 }), weighted(draws[0]!));
  });

  it('reproduces with the seed; reset() restarts the stream; stateDict resumes it', () => {
    const m = makeModel();
    const ctx = { shared: m.sharedParameters() };
    const a = new RLW({ seed: 3 });
    const first = a.backward(losses(m), ctx);
    expect(new RLW({ seed: 3 }).backward(losses(m), ctx)).toEqual(first);
    expect(new RLW({ seed: 4 }).backward(losses(m), ctx)).not.toEqual(first);
    const saved = JSON.parse(JSON.stringify(a.stateDict()));
    const second = a.backward(losses(m), ctx);
    const b = new RLW({ seed: 99 });
    b.loadStateDict(saved);
    expect(b.backward(losses(m), ctx)).toEqual(second);
    a.reset();
    expect(a.backward(losses(m), ctx)).toEqual(first);
  });

  it('with one task is plain training', () => {
    expect(compareWith(new RLW(), plain, { tasks: ONE })).toEqual({ a: 1 });
  });
});

describe('IMTLL', () => {
  it('is Σ e^{s}L − s with s₀ = 0 (EW at the start), and s gets e^{s}L − 1', () => {
    const method = new IMTLL({ tasks: ['a', 'b', 'c'] });
    expect(method.parameters().map((p) => p.name)).toEqual(['logScale.a', 'logScale.b', 'logScale.c']);
    const w = compareWith(method, weighted({ a: 1, b: 1, c: 1 }));
    expect(w).toEqual({ a: 1, b: 1, c: 1 });
    const v = values(losses(makeModel()));
    expectClose(
      method.parameters().map((p) => p.grad!.item()),
      [v.a! - 1, v.b! - 1, v.c! - 1],
      12,
    );
  });

  it('weights each task by e^{s} after s moved; reset() returns to s₀; stateDict round-trips', () => {
    const method = new IMTLL().init(['a', 'b', 'c']);
    method.loadStateDict({ a: 0.3, b: -0.2, c: 0 });
    const scales = { a: Math.exp(0.3), b: Math.exp(-0.2), c: 1 };
    const w = compareWith(method, weighted(scales));
    expectClose(Object.values(w), Object.values(scales), 15);
    const v = values(losses(makeModel()));
    expect(method.logScale('a').grad!.item()).toBeCloseTo(Math.exp(0.3) * v.a! - 1, 12);
    expect(JSON.parse(JSON.stringify(method.stateDict()))).toEqual({ a: 0.3, b: -0.2, c: 0 });
    method.reset();
    expect(method.stateDict()).toEqual({ a: 0, b: 0, c: 0 });
  });

  it('with one task is plain training (at s = 0; e^{s} after)', () => {
    expect(compareWith(new IMTLL().init(['a']), plain, { tasks: ONE })).toEqual({ a: 1 });
  });
});

describe('GradNorm', () => {
  /** A GradNorm past epoch 0 with the given logits and epoch-0 losses. */
  function trained(logits: Record<string, number>, initial: Record<string, number>): GradNorm {
    const method = new GradNorm().init(Object.keys(logits));
    method.loadStateDict({
      logits,
      initial: Object.fromEntries(Object.entries(initial).map(([t, v]) => [t, { sum: 2 * v, count: 2 }])),
      lastEpoch: 0,
    });
    return method;
  }

  it('is EW in epoch 0 and records the epoch-mean losses', () => {
    const method = new GradNorm({ tasks: ['a', 'b', 'c'] });
    expect(method.parameters().length).toBe(3);
    const w = compareWith(method, weighted({ a: 1, b: 1, c: 1 }), { epoch: 0 });
    expect(w).toEqual({ a: 1, b: 1, c: 1 });
    const m = makeModel();
    method.backward(losses(m, { a: 3 }), { shared: m.sharedParameters(), epoch: 0 });
    const v = values(losses(makeModel()));
    expect(method.initialLoss('a')).toBeCloseTo(2 * v.a!, 14);
    expect(method.parameters()[0]!.grad).toBeNull();
  });

  it('from epoch 1: d = Σ wᵢgᵢ with w = T·softmax(s), and s gets ∇ Σ|Gᵢ − sg(mean(G)·rᵢ^α)|', () => {
    const s = [0.5, 1, 1.5];
    const initial = { a: 2, b: 0.5, c: 1 };
    const method = trained({ a: s[0]!, b: s[1]!, c: s[2]! }, initial);
    const w = softmax(s).map((p) => 3 * p);
    const got = compareWith(method, weighted({ a: w[0]!, b: w[1]!, c: w[2]! }), { epoch: 1 });
    expectClose(Object.values(got), w, 14);
    // By hand: Gᵢ = wᵢ‖gᵢ‖; ∂/∂sⱼ Σ|Gᵢ − cᵢ| = Σᵢ sign(Gᵢ − cᵢ)‖gᵢ‖wᵢ(δᵢⱼ − wⱼ/T).
    const m = makeModel();
    const l = losses(m);
    const list = [l.a!, l.b!, l.c!];
    const norms = taskGradients(list, m.sharedParameters()).rows.map((r) =>
      Math.sqrt(r.reduce((a, x) => a + x * x, 0)),
    );
    const G = norms.map((n, i) => w[i]! * n);
    const meanG = G.reduce((a, b) => a + b, 0) / 3;
    const ratios = list.map((x, i) => x.item() / Object.values(initial)[i]!);
    const meanRatio = ratios.reduce((a, b) => a + b, 0) / 3;
    const signs = G.map((g, i) => Math.sign(g - meanG * (ratios[i]! / meanRatio) ** 1.5));
    const expected = [0, 1, 2].map((j) =>
      [0, 1, 2].reduce((acc, i) => acc + signs[i]! * norms[i]! * w[i]! * ((i === j ? 1 : 0) - w[j]! / 3), 0),
    );
    expectClose(
      method.parameters().map((p) => p.grad!.item()),
      expected,
      12,
    );
  });

  it('needs the epoch and the epoch-0 losses; reset() clears; stateDict round-trips', () => {
    const m = makeModel();
    expect(() =>
      new GradNorm({ tasks: ['a', 'b', 'c'] }).backward(losses(m), { shared: m.sharedParameters() }),
    ).toThrow(/GradNorm: needs the epoch/);
    expect(() =>
      new GradNorm({ tasks: ['a', 'b', 'c'] }).backward(losses(m), {
        shared: m.sharedParameters(),
        epoch: 1,
      }),
    ).toThrow(/no epoch-0 loss of task "a" was recorded/);
    const method = trained({ a: 0.1, b: 0.2, c: 0.3 }, { a: 1, b: 1, c: 1 });
    const copy = new GradNorm({ tasks: ['a', 'b', 'c'] });
    copy.loadStateDict(JSON.parse(JSON.stringify(method.stateDict())));
    expect(copy.stateDict()).toEqual(method.stateDict());
    method.reset();
    expect(method.stateDict()).toEqual({ logits: { a: 1, b: 1, c: 1 }, initial: {}, lastEpoch: null });
  });

  it('with one task is plain training, and s gets no gradient', () => {
    const method = new GradNorm().init(['a']);
    compareWith(method, plain, { tasks: ONE, epoch: 0 });
    expect(compareWith(method, plain, { tasks: ONE, epoch: 1 })).toEqual({ a: 1 });
    expect(method.parameters()[0]!.grad!.item()).toBe(0);
  });
});

describe('FAMO', () => {
  it('back-propagates Σ zᵢ log(Lᵢ − Lᵢ^min + ε)/c: the gradient Σ λᵢ∇Lᵢ with λᵢ = zᵢ/(c·Dᵢ)', () => {
    const factors = { a: 0.5, b: 2, c: 1 };
    const v = values(losses(makeModel(), factors));
    const minLosses = { b: 0.1 };
    const D = [v.a! + 1e-8, v.b! - 0.1 + 1e-8, v.c! + 1e-8];
    const c = D.reduce((acc, d) => acc + 1 / 3 / d, 0);
    const lambda = D.map((d) => 1 / 3 / (c * d));
    const w = compareWith(
      new FAMO({ minLosses }),
      weighted({ a: lambda[0]!, b: lambda[1]!, c: lambda[2]! }),
      {
        factors,
      },
    );
    expectClose(Object.values(w), lambda, 14);
    expect(lambda.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('update(newLosses) takes one Adam step on w with gradient Jᵀδ: the task that improved most loses weight', () => {
    const famo = new FAMO();
    const m = makeModel();
    const before = losses(m);
    famo.backward(before, { shared: m.sharedParameters() });
    const b = values(before);
    const after = { a: b.a! * 0.5, b: b.b!, c: b.c! * 1.2 };
    famo.update(after);
    const delta = ['a', 'b', 'c'].map((t) => Math.log(b[t]! + 1e-8) - Math.log(after[t as 'a']! + 1e-8));
    const zd = delta.reduce((acc, d) => acc + d / 3, 0);
    const g = delta.map((d) => (d - zd) / 3);
    // Adam's first step from w = 0 (weight decay adds 0): w = −lr·g/(|g| + ε).
    const expectedLogits = g.map((gi) => (-0.025 * gi) / (Math.abs(gi) + 1e-8));
    expectClose(famo.stateDict().logits as number[], expectedLogits, 14);
    const z = famo.logitWeights();
    expect(z.a!).toBeLessThan(z.b!);
    expect(z.b!).toBeLessThan(z.c!);
  });

  it('refuses update before backward or twice, a loss at its minimum, and a changed task set', () => {
    const famo = new FAMO({ minLosses: { c: 100 } });
    const m = makeModel();
    expect(() => famo.update({ a: 1, b: 1, c: 1 })).toThrow(
      /call backward \(then optimizer.step\(\)\) before update/,
    );
    expect(() => famo.backward(losses(m), { shared: m.sharedParameters() })).toThrow(
      /FAMO: the loss of task "c" is .*, not above its minimum 100/,
    );
    const ok = new FAMO();
    const l = losses(m);
    ok.backward(l, { shared: m.sharedParameters() });
    expect(() => ok.update({ a: 1, b: 1 })).toThrow(/no loss for task "c"/);
    ok.update(values(l));
    expect(() => ok.update(values(l))).toThrow(/update once per backward/);
    const { a, b } = losses(m);
    expect(() => ok.backward({ a: a!, b: b! }, { shared: m.sharedParameters() })).toThrow(
      /tasks changed from \[a, b, c\] to \[a, b\]; call reset\(\)/,
    );
  });

  it('reset() clears w and Adam; stateDict round-trips (the next update matches)', () => {
    const famo = new FAMO();
    const m = makeModel();
    for (const f of [1, 0.8]) {
      const l = losses(m, { a: f });
      famo.backward(l, { shared: m.sharedParameters() });
      famo.update({ ...values(l), a: l.a!.item() * 0.9 });
    }
    const l = losses(m);
    famo.backward(l, { shared: m.sharedParameters() });
    const copy = new FAMO();
    copy.loadStateDict(JSON.parse(JSON.stringify(famo.stateDict())));
    const next = { ...values(l), b: l.b!.item() * 0.5 };
    famo.update(next);
    copy.update(next);
    expect(copy.stateDict()).toEqual(famo.stateDict());
    famo.reset();
    expect(famo.stateDict()).toEqual({
      tasks: null,
      logits: [],
      expAvg: [],
      expAvgSq: [],
      step: 0,
      previous: null,
    });
  });

  it('with one task is plain training, before and after updates', () => {
    const famo = new FAMO();
    expect(compareWith(famo, plain, { tasks: ONE }).a).toBeCloseTo(1, 14);
    famo.update({ a: 0.01 });
    expect(compareWith(famo, plain, { tasks: ONE }).a).toBeCloseTo(1, 14);
  });
});

describe('STCH', () => {
  it('warm-up: back-propagates Σ log Lᵢ (weights 1/Lᵢ) and records the smallest loss as nadir', () => {
    const stch = new STCH({ warmupEpochs: 2 });
    const factors = { a: 2, b: 0.5, c: 1 };
    const w = compareWith(stch, (l) => sum(log(stack([l.a!, l.b!, l.c!]))), { factors, epoch: 0 });
    const v = values(losses(makeModel(), factors));
    expectClose(Object.values(w), [1 / v.a!, 1 / v.b!, 1 / v.c!], 12);
    const m = makeModel();
    stch.backward(losses(m, { a: 1, b: 1, c: 3 }), { shared: m.sharedParameters(), epoch: 1 });
    const base = values(losses(makeModel()));
    expectClose(Object.values(stch.nadirPoint()), [base.a!, 0.5 * base.b!, base.c!], 14);
  });

  it('after the warm-up: μ·logsumexp(log(Lᵢ/nᵢ)/μ)·T, weights T·softmaxᵢ/Lᵢ', () => {
    const nadir = { a: 0.3, b: 0.8, c: 0.5 };
    const factors = { a: 1.5, b: 0.7, c: 1 };
    const mu = 0.5;
    const stch = new STCH({ mu, warmupEpochs: 0, nadir });
    const n = [nadir.a, nadir.b, nadir.c];
    const w = compareWith(
      stch,
      (l) =>
        mul(
          logsumexp(stack([l.a!, l.b!, l.c!].map((x, i) => mul(log(mul(x, 1 / n[i]!)), 1 / mu))), 0),
          mu * 3,
        ),
      { factors, epoch: 0 },
    );
    const v = Object.values(values(losses(makeModel(), factors)));
    const p = softmax(v.map((x, i) => Math.log(x / n[i]!) / mu));
    expectClose(
      Object.values(w),
      p.map((pi, i) => (3 * pi) / v[i]!),
      12,
    );
  });

  it("switches after warmupEpochs, with nadir 'min' or LibMTL's 'mean' of the last warm-up epoch", () => {
    for (const mode of ['min', 'mean'] as const) {
      const stch = new STCH({ warmupEpochs: 2, nadir: mode });
      const seen: number[] = [];
      for (const [epoch, f] of [
        [0, 0.5],
        [1, 2],
        [1, 3],
      ] as const) {
        const m = makeModel();
        const l = losses(m, { a: f });
        stch.backward(l, { shared: m.sharedParameters(), epoch });
        seen.push(l.a!.item());
      }
      const expected = mode === 'min' ? seen[0]! : (seen[1]! + seen[2]!) / 2;
      const n = stch.nadirPoint().a!;
      expect(n).toBeCloseTo(expected, 14);
      const base = values(losses(makeModel()));
      const ref = (l: Record<string, Variable>) =>
        mul(
          logsumexp(
            stack([log(mul(l.a!, 1 / n)), log(mul(l.b!, 1 / base.b!)), log(mul(l.c!, 1 / base.c!))]),
            0,
          ),
          3,
        );
      compareWith(stch, ref, { epoch: 2 });
    }
  });

  it('needs the epoch and positive losses; reset() clears the nadir; stateDict round-trips', () => {
    const m = makeModel();
    expect(() => new STCH().backward(losses(m), { shared: m.sharedParameters() })).toThrow(
      /STCH: needs the epoch/,
    );
    expect(() =>
      new STCH().backward(losses(m, { a: 0 }), { shared: m.sharedParameters(), epoch: 0 }),
    ).toThrow(/STCH: the loss of task "a" is 0; STCH takes logarithms of the losses/);
    expect(() => new STCH({ warmupEpochs: 0 })).toThrow(/pass nadir values/);
    expect(() => new STCH().backward(losses(m), { shared: m.sharedParameters(), epoch: 4 })).toThrow(
      /no nadir for task "a"/,
    );
    const stch = new STCH({ warmupEpochs: 1 });
    stch.backward(losses(m), { shared: m.sharedParameters(), epoch: 0 });
    const copy = new STCH({ warmupEpochs: 1 });
    copy.loadStateDict(JSON.parse(JSON.stringify(stch.stateDict())));
    const m1 = makeModel();
    const m2 = makeModel();
    expect(copy.backward(losses(m1, { a: 2 }), { shared: m1.sharedParameters(), epoch: 1 })).toEqual(
      stch.backward(losses(m2, { a: 2 }), { shared: m2.sharedParameters(), epoch: 1 }),
    );
    stch.reset();
    expect(stch.nadirPoint()).toEqual({});
  });

  it('with one task is log-loss training: the gradient of L scaled by 1/L, in both phases', () => {
    const stch = new STCH({ warmupEpochs: 1 });
    for (const epoch of [0, 1]) {
      const w = compareWith(stch, (l) => log(l.a!), { tasks: ONE, epoch, factors: { a: 1 + epoch } });
      expect(w.a).toBeCloseTo(1 / values(losses(makeModel(ONE), { a: 1 + epoch })).a!, 12);
    }
  });
});

describe('the loss-level driver', () => {
  it('reports gradient diagnostics when asked', () => {
    const m = makeModel();
    const method = new GLS({ diagnostics: true });
    method.backward(losses(m), { shared: m.sharedParameters() });
    expect(Object.keys(method.lastDiagnostics!.gradNorms!)).toEqual(['a', 'b', 'c']);
  });
});

describe('TaskScalars (the per-task scalars of UW, IMTL-L, IMTL and GradNorm)', () => {
  it('keeps each method’s parameter names and state-dict format', () => {
    const uw = new UW({ tasks: ['a', 'b'] });
    const imtll = new IMTLL({ init: 0.25, tasks: ['a'] });
    const imtl = new IMTL({ lossScale: true }).init(['b']);
    const gradNorm = new GradNorm({ tasks: ['a'] });
    expect(uw.parameters().map((p) => p.name)).toEqual(['logVar.a', 'logVar.b']);
    expect(imtll.parameters().map((p) => p.name)).toEqual(['logScale.a']);
    expect(imtl.parameters().map((p) => p.name)).toEqual(['logScale.b']);
    expect(gradNorm.parameters().map((p) => p.name)).toEqual(['logit.a']);
    expect(uw.stateDict()).toEqual({ a: -0.5, b: -0.5 });
    expect(imtll.stateDict()).toEqual({ a: 0.25 });
    expect(imtl.stateDict()).toEqual({ step: 0, weights: null, logScales: { b: 0 } });
    expect(gradNorm.stateDict()).toEqual({ logits: { a: 1 }, initial: {}, lastEpoch: null });
    // Loading writes the parameters in place (the optimizer keeps them); reset() puts every
    // scalar back to its initial value.
    const b = uw.logVar('b');
    uw.loadStateDict({ b: 2 });
    expect(uw.stateDict()).toEqual({ a: -0.5, b: 2 });
    expect(uw.logVar('b')).toBe(b);
    uw.reset();
    expect(uw.stateDict()).toEqual({ a: -0.5, b: -0.5 });
    gradNorm.loadStateDict({ logits: { a: 0.5 } });
    expect(gradNorm.stateDict().logits).toEqual({ a: 0.5 });
    const scalars = new TaskScalars('Test', 's', 3);
    scalars.create(['x']);
    expect(scalars.of('x').item()).toBe(3);
    expect(scalars.of('x')).toBe(scalars.of('x'));
    expect(scalars.size).toBe(1);
  });

  it('refuses a state for a task init was not given (it would not be in the optimizer)', () => {
    const uw = new UW({ tasks: ['a', 'b'] });
    expect(() => uw.loadStateDict({ c: 3 })).toThrow(
      /UW\.loadStateDict: the state has a logVar for task "c", not one of the tasks given to init \(\[a, b\]\)/,
    );
    expect(() => new GradNorm().loadStateDict({ logits: { a: 1 } })).toThrow(
      /GradNorm\.loadStateDict: .*init\(taskNames\)/,
    );
  });
});
