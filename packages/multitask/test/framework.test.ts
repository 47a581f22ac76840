import {
  grad,
  mean,
  mul,
  type Parameter,
  sqrt,
  square,
  sub,
  sum,
  type Variable,
  variable,
} from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Generator, randn, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  type AggregationInput,
  EW,
  GradientAggregation,
  HardSharing,
  PCGrad,
  StaticWeighting,
  UW,
} from '../src/index';

const makeModel = (seed = 1) =>
  HardSharing.mlp({
    inputSize: 5,
    hidden: [8, 6],
    tasks: { a: 1, b: 2, c: 1 },
    dtype: 'float64',
    generator: new Generator(seed),
  });

const data = () => {
  const g = new Generator(2);
  const x = randn([10, 5], { dtype: 'float64', generator: g });
  const targets = {
    a: randn([10, 1], { dtype: 'float64', generator: g }),
    b: randn([10, 2], { dtype: 'float64', generator: g }),
    c: randn([10, 1], { dtype: 'float64', generator: g }),
  };
  return { x, targets };
};

function losses(model: HardSharing): Record<string, Variable> {
  const { x, targets } = data();
  const out = model.forward(x);
  return Object.fromEntries(
    Object.entries(out).map(([t, y]) => [t, mseLoss(y, targets[t as keyof typeof targets])]),
  );
}

const grads = (ps: Parameter[]) => ps.map((p) => Array.from(p.grad?.data ?? []));

describe('HardSharing', () => {
  it('returns one output per task with its size, and partitions the parameters', () => {
    const model = makeModel();
    const out = model.forward(randn([3, 5], { dtype: 'float64' }));
    expect(Object.keys(out)).toEqual(['a', 'b', 'c']);
    expect(out.b!.shape).toEqual([3, 2]);
    expect(model.representation!.shape).toEqual([3, 6]);
    const shared = new Set(model.sharedParameters());
    const taskOwned = model.tasks.flatMap((t) => model.taskParameters(t));
    expect(taskOwned.some((p) => shared.has(p))).toBe(false);
    expect(shared.size + taskOwned.length).toBe(model.parameters().length);
    expect([...model.namedParameters()].map(([n]) => n)[0]).toBe('encoder.0.weight');
    expect([...model.namedParameters()].map(([n]) => n)).toContain('heads.b.0.bias');
    expect(() => model.taskParameters('d')).toThrow(/no task named "d" \(tasks: a, b, c\)/);
  });

  it('round-trips its state dict', () => {
    const a = makeModel(1);
    const b = makeModel(2);
    b.loadStateDict(a.stateDict());
    const x = randn([2, 5], { dtype: 'float64' });
    expect(b.forward(x).b!.toArray()).toEqual(a.forward(x).b!.toArray());
  });
});

describe('HardSharing with single-Linear heads', () => {
  it('runs Linear heads as one product, with the outputs and gradients of running them one by one', () => {
    const model = makeModel(3);
    const { x, targets } = data();
    const out = model.forward(x);
    // The fused path: every output is a column slice of one linear node.
    expect(out.a!.node?.primitive).toBe('slice');
    const rep = model.representation!;
    const apart = Object.fromEntries(
      model.tasks.map((t) => [t, model.heads.get(t).forward(rep) as Variable]),
    );
    const params = model.parameters();
    const near = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      expect(a.length).toBe(b.length);
      for (let k = 0; k < a.length; k++)
        expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[k]!)));
    };
    for (const t of model.tasks) {
      near(out[t]!.value.data, apart[t]!.value.data);
      const target = targets[t as keyof typeof targets];
      const fused = grad(mseLoss(out[t]!, target), params, { retainGraph: true, allowUnused: true });
      const plain = grad(mseLoss(apart[t]!, target), params, { retainGraph: true, allowUnused: true });
      fused.forEach((g, i) => {
        near(g.data, plain[i]!.data);
      });
    }
  });

  it('runs heads that are not a single Linear one by one', () => {
    const model = HardSharing.mlp({
      inputSize: 5,
      hidden: [4],
      tasks: { a: 1, b: 1 },
      headHidden: [3],
      dtype: 'float64',
      generator: new Generator(4),
    });
    const out = model.forward(randn([2, 5], { dtype: 'float64' }));
    expect(out.a!.node?.primitive).toBe('linear');
  });
});

describe('the methods’ common contract', () => {
  it('EW writes the gradient of the plain summed loss into every parameter', () => {
    const m1 = makeModel();
    const m2 = makeModel();
    new EW().backward(losses(m1), { shared: m1.sharedParameters() });
    const l = losses(m2);
    const sum = Object.values(l).reduce((acc, v) => acc.add(v));
    sum.backward();
    expect(grads(m1.parameters())).toEqual(grads(m2.parameters()));
  });

  it('StaticWeighting scales each task; heads get their weighted loss gradient', () => {
    const m = makeModel();
    const weights = new StaticWeighting({ a: 2, b: 0.5 }).backward(losses(m), {
      shared: m.sharedParameters(),
    });
    expect(weights).toEqual({ a: 2, b: 0.5, c: 1 });
  });

  it('gradient-level methods give each head exactly its own task’s gradient', () => {
    const m = makeModel();
    const l = losses(m);
    const expected = model_taskGrads(m, l);
    new PCGrad({ order: 'fixed' }).backward(l, { shared: m.sharedParameters() });
    for (const task of m.tasks) {
      expect(grads(m.taskParameters(task))).toEqual(expected[task]);
    }
  });

  it('a gradient method that returns EW weights reproduces EW on the shared parameters, also through the representation', () => {
    class Sum extends GradientAggregation {
      readonly name = 'Sum';
      protected aggregate({ rows }: AggregationInput) {
        const direction = new Float64Array(rows[0]!.length);
        for (const r of rows) for (let k = 0; k < r.length; k++) direction[k]! += r[k]!;
        return { direction, weights: rows.map(() => 1) };
      }
    }
    const reference = makeModel();
    new EW().backward(losses(reference), { shared: reference.sharedParameters() });
    for (const viaRepresentation of [false, true]) {
      const m = makeModel();
      const l = losses(m);
      new Sum().backward(l, {
        shared: m.sharedParameters(),
        representation: viaRepresentation ? m.representation : null,
      });
      grads(m.parameters()).forEach((g, i) => {
        for (const [k, v] of g.entries()) expect(v).toBeCloseTo(grads(reference.parameters())[i]![k]!, 12);
      });
    }
  });

  it('a NaN loss names its task and epoch', () => {
    const m = makeModel();
    const l = losses(m);
    l.b = mul(l.b!, Number.NaN);
    expect(() => new EW().backward(l, { shared: m.sharedParameters(), epoch: 3 })).toThrow(
      /loss of task "b" is NaN at epoch 3/,
    );
  });

  it('a gradient that is not finite (with finite losses) is named by element, not written into .grad', () => {
    // d√w/dw is infinite at w = 0 while √w itself is 0.
    const w = variable([1, 0], { requiresGrad: true, dtype: 'float64' });
    const l1 = sum(sqrt(w));
    const l2 = sum(w);
    expect(() => new PCGrad({ order: 'fixed' }).backward({ one: l1, two: l2 }, { shared: [w] })).toThrow(
      /PCGrad: the combined gradient is not finite \(element 1 is (Infinity|NaN)\)/,
    );
    expect(w.grad).toBeNull();
  });

  it('a loss-level method given only a representation refuses, instead of leaving the encoder untrained', () => {
    const m = makeModel();
    const l = losses(m);
    expect(() => new EW().backward(l, { shared: [], representation: m.representation })).toThrow(
      /encoder would not be trained/,
    );
  });

  it('records diagnostics: weights, gradient norms and the cosine matrix', () => {
    const m = makeModel();
    const method = new PCGrad({ order: 'fixed' });
    method.backward(losses(m), { shared: m.sharedParameters() });
    const d = method.lastDiagnostics!;
    expect(Object.keys(d.gradNorms!)).toEqual(['a', 'b', 'c']);
    expect(d.cosine!.length).toBe(3);
    d.cosine!.forEach((row, i) => {
      expect(row[i]).toBeCloseTo(1, 12);
    });
  });
});

describe('PCGrad', () => {
  it('leaves no conflict between two projected gradients', () => {
    // Two conflicting gradients of a linear model: check the combined direction improves both.
    const w = variable([1, 1], { requiresGrad: true, dtype: 'float64' });
    const l1 = mean(square(sub(mul(w, tensor([1, 0], { dtype: 'float64' })), 3)));
    const l2 = mean(square(sub(mul(w, tensor([1, 1], { dtype: 'float64' })), -2)));
    const [g1] = grad(l1, [w], { retainGraph: true });
    const [g2] = grad(l2, [w], { retainGraph: true });
    new PCGrad({ order: 'fixed' }).backward({ one: l1, two: l2 }, { shared: [w] });
    const d = Array.from(w.grad!.data);
    const dotWith = (g: typeof g1) => d.reduce((s, v, i) => s + v * g!.data[i]!, 0);
    expect(dotWith(g1)).toBeGreaterThanOrEqual(-1e-12);
    expect(dotWith(g2)).toBeGreaterThanOrEqual(-1e-12);
  });
});

describe('UW', () => {
  it('is Σ L/(2e^s) + s/2 with s₀ = −0.5, and exposes s to the optimizer', () => {
    const m = makeModel();
    const uw = new UW();
    const weights = uw.backward(losses(m), { shared: m.sharedParameters() });
    expect(weights.a).toBeCloseTo(1 / (2 * Math.exp(-0.5)), 14);
    expect(uw.parameters().length).toBe(3);
    expect(uw.parameters()[0]!.grad).not.toBeNull();
  });
});

function model_taskGrads(m: HardSharing, l: Record<string, Variable>): Record<string, number[][]> {
  return Object.fromEntries(
    m.tasks.map((task) => [
      task,
      grad(l[task]!, m.taskParameters(task), { retainGraph: true }).map((g) => Array.from(g.data)),
    ]),
  );
}

describe('one task', () => {
  it.each([
    ['EW', () => new EW(), 1],
    ['StaticWeighting', () => new StaticWeighting({ a: 3 }), 3],
    ['UW', () => new UW(), 1 / (2 * Math.exp(-0.5))],
    ['PCGrad', () => new PCGrad(), 1],
  ] as const)('%s reduces to plain training, scaled by its weight', (_name, make, scale) => {
    const model = () =>
      HardSharing.mlp({
        inputSize: 5,
        hidden: [4],
        tasks: { a: 1 },
        dtype: 'float64',
        generator: new Generator(3),
      });
    const x = randn([6, 5], { dtype: 'float64', generator: new Generator(4) });
    const y = randn([6, 1], { dtype: 'float64', generator: new Generator(5) });
    const plain = model();
    mseLoss(plain.forward(x).a!, y).backward();
    const m = model();
    make().backward({ a: mseLoss(m.forward(x).a!, y) }, { shared: m.sharedParameters() });
    const expected = grads(plain.parameters());
    grads(m.parameters()).forEach((g, i) => {
      for (const [k, v] of g.entries()) expect(v).toBeCloseTo(expected[i]![k]! * scale, 12);
    });
  });
});
