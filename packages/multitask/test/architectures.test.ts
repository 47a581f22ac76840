import { grad, type Parameter, type Variable } from '@mtl/autograd';
import { Linear, mseLoss } from '@mtl/nn';
import { Generator, randn, type Tensor, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { CGC } from '../src/architectures/CGC';
import { CrossStitch } from '../src/architectures/CrossStitch';
import { DSelectK, DSelectKGate, smoothStep } from '../src/architectures/DSelectK';
import { MMoE } from '../src/architectures/MMoE';
import type { MultiTaskModel } from '../src/architectures/MultiTaskModel';
import { mlp } from '../src/architectures/mlp';
import { PLE, PLELevel } from '../src/architectures/PLE';

const tasks = { a: 1, b: 2, c: 3 };
const common = (seed: number) => ({
  inputSize: 5,
  tasks,
  activation: 'tanh' as const, // smooth, so no unit is dead and every gradient is non-zero
  dtype: 'float64' as const,
  generator: new Generator(seed),
});

interface Case {
  name: string;
  make: (seed: number) => MultiTaskModel;
  /** Shape of `representation` for a batch of 4, or null when the model has none. */
  representation: number[] | null;
  /** Softmax weights of the last forward, every row of which must sum to 1. */
  gates?: (m: MultiTaskModel) => Variable[];
}

const cases: Case[] = [
  {
    name: 'MMoE',
    make: (seed) => MMoE.mlp({ ...common(seed), expertHidden: [6, 4], numExperts: 3, towerHidden: [3] }),
    representation: [4, 3, 4],
    gates: (m) => Object.values((m as MMoE).gateWeights),
  },
  {
    name: 'CGC',
    make: (seed) => CGC.mlp({ ...common(seed), expertHidden: [4], numSharedExperts: 2, numTaskExperts: 2 }),
    representation: [4, 2, 4],
    gates: (m) => Object.values((m as CGC).gateWeights),
  },
  {
    name: 'PLE (1 level)',
    make: (seed) =>
      PLE.mlp({ ...common(seed), expertHidden: [4], numSharedExperts: 2, numTaskExperts: 1, levels: 1 }),
    representation: [4, 2, 4],
    gates: (m) => (m as PLE).gateWeights.flatMap((g) => Object.values(g)),
  },
  {
    name: 'PLE (3 levels)',
    make: (seed) =>
      PLE.mlp({
        ...common(seed),
        expertHidden: [4],
        numSharedExperts: 2,
        numTaskExperts: 2,
        levels: 3,
        towerHidden: [2],
      }),
    representation: null,
    gates: (m) => [
      ...(m as PLE).gateWeights.flatMap((g) => Object.values(g)),
      ...(m as PLE).sharedGateWeights,
    ],
  },
  {
    name: 'CrossStitch',
    make: (seed) => CrossStitch.mlp({ ...common(seed), hidden: [6, 4], headHidden: [3] }),
    representation: [4, 3, 4],
  },
  {
    name: 'DSelectK (E = 4)',
    make: (seed) => DSelectK.mlp({ ...common(seed), expertHidden: [4], numExperts: 4, k: 2 }),
    representation: [4, 4, 4],
    gates: (m) => Object.values((m as DSelectK).gateWeights),
  },
  {
    name: 'DSelectK (E = 3, folded codes)',
    make: (seed) => DSelectK.mlp({ ...common(seed), expertHidden: [4], numExperts: 3, k: 3, gamma: 2 }),
    representation: [4, 3, 4],
    gates: (m) => Object.values((m as DSelectK).gateWeights),
  },
];

const input = (n = 4) => randn([n, 5], { dtype: 'float64', generator: new Generator(7) });
const targets = (n = 4): Record<string, Tensor> => {
  const g = new Generator(8);
  return Object.fromEntries(
    Object.entries(tasks).map(([t, size]) => [t, randn([n, size], { dtype: 'float64', generator: g })]),
  );
};
const losses = (m: MultiTaskModel, x = input()) => {
  const out = m.forward(x);
  const y = targets(x.shape[0]);
  return Object.fromEntries(m.tasks.map((t) => [t, mseLoss(out[t]!, y[t]!)]));
};
const nonZero = (p: Parameter) =>
  p.grad !== null && Array.from(p.grad.data as Float64Array).some((v) => v !== 0);

describe.each(cases)('$name', ({ make, representation, gates }) => {
  it('gives each task an output of its size, and the shared representation', () => {
    const m = make(1);
    const out = m.forward(input());
    expect(Object.keys(out)).toEqual(['a', 'b', 'c']);
    for (const [t, size] of Object.entries(tasks)) expect(out[t]!.shape).toEqual([4, size]);
    expect(m.representation?.shape ?? null).toEqual(representation);
  });

  it('partitions its parameters: shared and each task disjoint, together all of them', () => {
    const m = make(1);
    const shared = m.sharedParameters();
    const owned = m.tasks.map((t) => m.taskParameters(t));
    const all = [shared, ...owned].flat();
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(m.parameters()));
    expect(shared.length).toBeGreaterThan(0);
    for (const own of owned) expect(own.length).toBeGreaterThan(0);
    expect(() => m.taskParameters('d')).toThrow(/no task named "d"/);
  });

  it('lets each task’s loss reach only the shared parameters and its own', () => {
    for (const task of ['a', 'b', 'c']) {
      const m = make(1);
      losses(m)[task]!.backward();
      const allowed = new Set([...m.sharedParameters(), ...m.taskParameters(task)]);
      const reached = m.parameters().filter(nonZero);
      expect(reached.filter((p) => !allowed.has(p))).toEqual([]);
      expect(m.taskParameters(task).every(nonZero)).toBe(true);
    }
  });

  it('sends the summed loss’s gradient to every parameter', () => {
    const m = make(1);
    Object.values(losses(m))
      .reduce((s, l) => s.add(l))
      .backward();
    const dead = [...m.namedParameters()].filter(([, p]) => !nonZero(p)).map(([n]) => n);
    expect(dead).toEqual([]);
  });

  it('round-trips its state dict', () => {
    const a = make(1);
    const b = make(2);
    const x = input();
    expect(b.forward(x).b!.toArray()).not.toEqual(a.forward(x).b!.toArray());
    b.loadStateDict(a.stateDict());
    const [oa, ob] = [a.forward(x), b.forward(x)];
    for (const t of a.tasks) expect(ob[t]!.toArray()).toEqual(oa[t]!.toArray());
  });

  it('runs in float64 end to end', () => {
    const m = make(1);
    expect(m.parameters().every((p) => p.dtype === 'float64')).toBe(true);
    const l = losses(m);
    for (const v of Object.values(l)) expect(v.dtype).toBe('float64');
    Object.values(l)
      .reduce((s, v) => s.add(v))
      .backward();
    expect(m.parameters().every((p) => p.grad?.dtype === 'float64')).toBe(true);
  });

  it.runIf(gates !== undefined)('has gate weights that are positive and sum to 1 per example', () => {
    const m = make(1);
    m.forward(input());
    for (const w of gates!(m)) {
      for (const row of w.toArray() as number[][]) {
        expect(row.every((v) => v >= 0)).toBe(true);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      }
    }
  });

  it.runIf(representation !== null)(
    'is a cut: the representation carries every shared gradient and no task’s',
    () => {
      const m = make(1);
      const l = losses(m);
      const rep = m.representation!;
      for (const task of m.tasks) {
        const [g] = grad(l[task]!, [rep], { retainGraph: true });
        expect(Array.from(g!.data as Float64Array).some((v) => v !== 0)).toBe(true);
      }
      rep.backward(randn(rep.shape, { dtype: 'float64', generator: new Generator(3) }));
      expect(m.sharedParameters().every(nonZero)).toBe(true);
      expect(m.tasks.flatMap((t) => m.taskParameters(t)).some(nonZero)).toBe(false);
    },
  );
});

describe('MMoE', () => {
  it('names its parameters experts.*, gates.<task>.*, towers.<task>.*', () => {
    const names = [...cases[0]!.make(1).namedParameters()].map(([n]) => n);
    expect(names).toContain('experts.2.2.weight');
    expect(names).toContain('gates.b.weight');
    expect(names).toContain('towers.c.2.bias');
  });

  it('computes the gated mixture Σ_e gate_e·expert_e for each task', () => {
    const m = cases[0]!.make(1) as MMoE;
    const x = input(2);
    m.forward(x);
    const experts = [...m.experts].map((e) => e.forward(x) as Variable);
    const w = m.gateWeights.a!.toArray() as number[][];
    const expected = [0, 1].map((n) =>
      [0, 1, 2, 3].map((k) =>
        experts.reduce((s, e, i) => s + w[n]![i]! * (e.toArray() as number[][])[n]![k]!, 0),
      ),
    );
    const out = m.forward(x).a!.toArray() as number[][];
    const recomputed = (m.towers.get('a').forward(tensorOf(expected)) as Variable).toArray() as number[][];
    out.forEach((row, n) => {
      expect(row[0]!).toBeCloseTo(recomputed[n]![0]!, 12);
    });
  });

  it('refuses towers and gates that name different tasks, and no experts', () => {
    const g = new Generator(0);
    const lin = () => new Linear(2, 2, { generator: g });
    expect(() => new MMoE({ experts: [lin()], gates: { a: lin() }, towers: { b: lin() } })).toThrow(
      /gates and towers must name the same tasks/,
    );
    expect(() => new MMoE({ experts: [], gates: { a: lin() }, towers: { a: lin() } })).toThrow(
      /at least one expert/,
    );
  });

  it('names a gate whose size does not match the experts', () => {
    const g = new Generator(0);
    const m = new MMoE({
      experts: [new Linear(2, 3, { generator: g }), new Linear(2, 3, { generator: g })],
      gates: { a: new Linear(2, 3, { generator: g }) },
      towers: { a: new Linear(3, 1, { generator: g }) },
    });
    expect(() => m.forward(randn([4, 2]))).toThrow(
      /MMoE \(gate of a\): the gate gives 3 weights for 2 experts/,
    );
  });
});

describe('PLE', () => {
  it('owns per task its tower, its last-level experts and gate, and its gate on the level before', () => {
    const m = cases[3]!.make(1);
    const names = new Map([...m.namedParameters()].map(([n, p]) => [p, n]));
    expect(m.taskParameters('b').map((p) => names.get(p))).toEqual([
      'levels.1.gates.b.weight',
      'levels.1.gates.b.bias',
      'levels.2.taskExperts.b.0.0.weight',
      'levels.2.taskExperts.b.0.0.bias',
      'levels.2.taskExperts.b.1.0.weight',
      'levels.2.taskExperts.b.1.0.bias',
      'levels.2.gates.b.weight',
      'levels.2.gates.b.bias',
      'towers.b.0.weight',
      'towers.b.0.bias',
      'towers.b.2.weight',
      'towers.b.2.bias',
    ]);
    expect([...names.values()]).toContain('levels.1.sharedGate.weight');
    expect([...names.values()]).not.toContain('levels.2.sharedGate.weight');
  });

  it('refuses a shared gate on the last level and a missing one below it', () => {
    const g = new Generator(0);
    const level = (sharedGate: Linear | null) =>
      new PLELevel({
        sharedExperts: [mlp([2, 2], { generator: g })],
        taskExperts: { a: [] },
        gates: { a: new Linear(2, 1, { generator: g }) },
        sharedGate,
      });
    const towers = { a: new Linear(2, 1, { generator: g }) };
    expect(() => new PLE({ levels: [level(new Linear(2, 1))], towers })).toThrow(/last level's shared gate/);
    expect(() => new PLE({ levels: [level(null), level(null)], towers })).toThrow(
      /level 0 needs a shared gate/,
    );
  });
});

describe('CrossStitch', () => {
  it('starts each stitch near the identity: 0.9 on the diagonal, 0.1/(T − 1) off it', () => {
    const m = cases[4]!.make(1) as CrossStitch;
    expect(m.stitches).toHaveLength(2);
    for (const s of m.stitches) {
      expect(s.dtype).toBe('float64');
      const a = s.toArray() as number[][];
      a.forEach((row, i) => {
        row.forEach((v, j) => {
          expect(v).toBeCloseTo(i === j ? 0.9 : 0.05, 15);
        });
      });
    }
    const names = [...m.namedParameters()].map(([n]) => n);
    expect(names).toContain('stitches.1');
    expect(names).toContain('columns.c.1.0.weight');
    const one = CrossStitch.mlp({ inputSize: 2, hidden: [2], tasks: { a: 1 }, diagonal: 0.5 });
    expect(one.stitches[0]!.toArray()).toEqual([[1]]);
  });

  it('with identity stitches is independent columns', () => {
    const m = CrossStitch.mlp({ ...common(1), hidden: [4], diagonal: 1 });
    const x = input();
    const out = m.forward(x);
    const column = m.columns.get('b').at(0).forward(x) as Variable;
    const alone = m.heads.get('b').forward(column) as Variable;
    expect(out.b!.toArray()).toEqual(alone.toArray());
  });

  it('refuses columns of different depths', () => {
    const g = new Generator(0);
    const lin = () => new Linear(2, 2, { generator: g });
    expect(
      () => new CrossStitch({ columns: { a: [lin()], b: [lin(), lin()] }, heads: { a: lin(), b: lin() } }),
    ).toThrow(/same number of layers/);
  });
});

describe('DSelectK', () => {
  it('smoothStep is 0 below −γ/2, 1 above γ/2, and ½ at 0', () => {
    const s = smoothStep(tensorOf([[-2, -0.5, 0, 0.25, 0.5, 3]]), 1).toArray() as number[][];
    expect(s[0]).toEqual([0, 0, 0.5, 0.84375, 1, 1]);
  });

  it('starts every selector uniform, and is k-sparse once the smooth steps saturate', () => {
    const g = new Generator(0);
    const gate = new DSelectKGate(3, 8, { k: 2, dtype: 'float64', generator: g });
    const x = randn([5, 3], { dtype: 'float64', generator: g });
    for (const row of gate.forward(x).toArray() as number[][]) {
      for (const v of row) expect(v).toBeCloseTo(1 / 8, 1);
    }
    // Code logits of ±10: selector 0 picks code 0b101 = 5, selector 1 picks 0b010 = 2.
    gate.codeLogits.weight.value.data.fill(0);
    const bias = gate.codeLogits.bias!.value.data;
    [10, -10, 10, -10, 10, -10].forEach((v, i) => {
      bias[i] = v;
    });
    for (const row of gate.forward(x).toArray() as number[][]) {
      expect(row.filter((v) => v !== 0)).toHaveLength(2);
      expect(row[5]! + row[2]!).toBeCloseTo(1, 12);
    }
  });

  it('folds codes beyond E onto expert j mod E', () => {
    const gate = new DSelectKGate(1, 3, { k: 1, dtype: 'float64' });
    gate.codeLogits.weight.value.data.fill(0);
    gate.codeLogits.bias!.value.data.set([10, 10]); // code 0b11 = 3 → expert 0
    expect(gate.forward(tensorOf([[1]])).toArray()).toEqual([[1, 0, 0]]);
  });

  it('refuses a gate over a different number of experts', () => {
    const g = new Generator(0);
    expect(
      () =>
        new DSelectK({
          experts: [new Linear(2, 2, { generator: g })],
          gates: { a: new DSelectKGate(2, 3, { k: 1 }) },
          towers: { a: new Linear(2, 1, { generator: g }) },
        }),
    ).toThrow(/selects among 3 experts, but there are 1/);
  });
});

const tensorOf = (rows: number[][]): Tensor => tensor(rows, { dtype: 'float64' });
