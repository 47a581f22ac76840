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
import { Adam } from '@mtl/optim';
import { Generator, MtlError, randn, tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  type AggregationInput,
  deltaM,
  EW,
  GradientAggregation,
  HardSharing,
  PCGrad,
  Standardizer,
  StaticWeighting,
  UW,
  WeightingError,
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

describe('HardSharing heads', () => {
  /** The same model with every head running its own forward (HardSharing's constructor never stacks). */
  const unstacked = (m: HardSharing) =>
    new HardSharing({
      encoder: m.encoder,
      heads: Object.fromEntries(m.tasks.map((t) => [t, m.heads.get(t)])),
    });
  const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
    expect(a.length).toBe(b.length);
    for (let k = 0; k < a.length; k++)
      expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[k]!)));
  };

  it('mlp stacks single-Linear heads: one buffer, one product, the outputs and gradients of the heads run apart', () => {
    const model = makeModel(3);
    const weights = model.tasks.map((t) => model.taskParameters(t)[0]!.value.data);
    expect(new Set(weights.map((d) => d.buffer)).size).toBe(1);
    expect(weights[1]!.byteOffset).toBe(weights[0]!.byteOffset + weights[0]!.byteLength);
    const { x, targets } = data();
    const out = model.forward(x);
    expect(out.a!.node?.primitive).toBe('slice');
    expect(out.a!.node?.inputs[0]?.node?.primitive).toBe('stackedLinear');
    const apart = unstacked(model).forward(x);
    expect(apart.a!.node?.primitive).toBe('linear');
    const params = model.parameters();
    for (const t of model.tasks) {
      near(out[t]!.value.data, apart[t]!.value.data);
      const target = targets[t as keyof typeof targets];
      const stacked = grad(mseLoss(out[t]!, target), params, { retainGraph: true, allowUnused: true });
      const plain = grad(mseLoss(apart[t]!, target), params, { retainGraph: true, allowUnused: true });
      stacked.forEach((g, i) => {
        near(g.data, plain[i]!.data);
      });
    }
  });

  it('see optimizer updates at once: Adam steps train the stacked heads as the heads run apart', () => {
    const a = makeModel(5);
    const b = makeModel(5);
    const apart = unstacked(b);
    const { x, targets } = data();
    const step = (model: HardSharing, optimizer: Adam) => {
      optimizer.zeroGrad();
      const out = model.forward(x);
      new EW().backward(
        Object.fromEntries(model.tasks.map((t) => [t, mseLoss(out[t]!, targets[t as keyof typeof targets])])),
        { shared: model.sharedParameters() },
      );
      optimizer.step();
    };
    const optA = new Adam(a.parameters(), { lr: 0.05 });
    const optB = new Adam(apart.parameters(), { lr: 0.05 });
    for (let i = 0; i < 20; i++) {
      step(a, optA);
      step(apart, optB);
    }
    const pb = b.parameters();
    a.parameters().forEach((p, i) => {
      near(p.value.data, pb[i]!.value.data, 1e-10);
    });
    // The heads moved, and the stacked product reads them where the optimizer wrote them.
    near(a.forward(x).c!.value.data, (a.heads.get('c').forward(a.representation!) as Variable).value.data);
  });

  it('stay right when a head tensor is replaced (the weights are then copied together per call)', () => {
    const model = makeModel(3).to('float32');
    const x = data().x.to('float32');
    const head = model.taskParameters('b')[1]!;
    head.value = tensor([5, -5]);
    const out = model.forward(x);
    near(
      out.b!.value.data,
      (model.heads.get('b').forward(model.representation!) as Variable).value.data,
      1e-6,
    );
    near(
      out.a!.value.data,
      (model.heads.get('a').forward(model.representation!) as Variable).value.data,
      1e-6,
    );
  });

  it('run their own forward when they are not a single Linear', () => {
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
    // encoder: Linear(relu), Identity; heads: Linear(relu), Identity, Linear.
    expect(model.representation!.node?.primitive).toBe('linear');
    expect(Object.keys(model.stateDict())).toEqual([
      'encoder.0.weight',
      'encoder.0.bias',
      'heads.a.0.weight',
      'heads.a.0.bias',
      'heads.a.2.weight',
      'heads.a.2.bias',
      'heads.b.0.weight',
      'heads.b.0.bias',
      'heads.b.2.weight',
      'heads.b.2.bias',
    ]);
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
      protected direction({ rows }: AggregationInput) {
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

  it('throws by the rule: a bad argument is a ValueError, a method misused a WeightingError, a failed run an MtlError', () => {
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (error) {
        return error;
      }
      throw new Error('did not throw');
    };
    const m = makeModel();
    const l = losses(m);
    expect(thrown(() => deltaM({ a: { accuracy: 1 } }, {}))).toBeInstanceOf(ValueError);
    expect(thrown(() => HardSharing.mlp({ inputSize: 2, hidden: [2], tasks: {} }))).toBeInstanceOf(
      ValueError,
    );
    expect(
      thrown(() => new EW().backward(l, { shared: [], representation: m.representation })),
    ).toBeInstanceOf(WeightingError);
    // Nothing to blame on an argument: the base class itself.
    l.b = mul(l.b!, Number.NaN);
    expect((thrown(() => new EW().backward(l, { shared: m.sharedParameters() })) as Error).constructor).toBe(
      MtlError,
    );
    expect((thrown(() => new Standardizer().transform(tensor([1]))) as Error).constructor).toBe(MtlError);
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
    const uw = new UW().init(['a', 'b', 'c']);
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
    ['UW', () => new UW().init(['a']), 1 / (2 * Math.exp(-0.5))],
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
