/**
 * The contract every weighting method keeps at its public boundary: options checked against
 * `Method.defaults` (unknown keys and bad values are a WeightingError naming the option), and the
 * `init(taskNames)` lifecycle of learnable state, which the Trainer enforces.
 */
import { add, mul, type Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, MtlError, randn } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import * as mtl from '../src/index';
import { GradNorm, HardSharing, IMTL, IMTLL, UW, WeightingError, type WeightingMethod } from '../src/index';
import { Trainer } from '../src/training/Trainer';

type MethodClass = (new (...args: never[]) => WeightingMethod) & { defaults: Record<string, unknown> };

/** Every exported method class (each has `defaults`), by name. */
const METHODS = Object.entries(mtl).filter(
  (entry): entry is [string, MethodClass] =>
    typeof entry[1] === 'function' &&
    entry[1].prototype instanceof mtl.WeightingMethod &&
    'defaults' in entry[1],
);

/** `new C(options)`, with StaticWeighting's weights first. */
function construct(name: string, C: MethodClass, options: unknown): WeightingMethod {
  const make = C as unknown as new (...args: unknown[]) => WeightingMethod;
  return name === 'StaticWeighting' ? new make({ a: 1 }, options) : new make(options);
}

/** A value of the wrong kind for an option whose default is `value`. */
function wrongValue(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return 'x';
  if (typeof value === 'string') return 'no-such-choice';
  return 7; // an object option (FAMO's minLosses, STCH's nadir) given a number
}

describe('method options', () => {
  it('covers every method the package exports', () => {
    expect(METHODS.map(([name]) => name).sort()).toEqual(
      [
        'AlignedMTL',
        'CAGrad',
        'ConFIG',
        'DBMTL',
        'DWA',
        'DualProj',
        'EW',
        'ExcessMTL',
        'FAMO',
        'FairGrad',
        'GLS',
        'GradDrop',
        'GradNorm',
        'GradVac',
        'IMTL',
        'IMTLL',
        'Krum',
        'MGDA',
        'MoCo',
        'MoDo',
        'NashMTL',
        'PCGrad',
        'RLW',
        'SDMGrad',
        'STCH',
        'StaticWeighting',
        'TrimmedMean',
        'UPGrad',
        'UW',
      ].sort(),
    );
  });

  for (const [name, C] of METHODS) {
    it(`${name}: takes its defaults, refuses unknown keys and bad values`, () => {
      expect(() => construct(name, C, undefined)).not.toThrow();
      expect(() => construct(name, C, { ...C.defaults })).not.toThrow();
      const known = Object.keys(C.defaults).join(', ') || 'none';
      expect(() => construct(name, C, { ...C.defaults, ordr: 'fixed' })).toThrow(WeightingError);
      expect(() => construct(name, C, { ordr: 'fixed' })).toThrow(
        `${name}: unknown option "ordr" (known: ${known})`,
      );
      expect(() => construct(name, C, 5)).toThrow(new RegExp(`^${name}: options must be an object`));
      for (const [key, value] of Object.entries(C.defaults)) {
        if (value === undefined) continue;
        const bad = wrongValue(value);
        expect(() => construct(name, C, { [key]: bad }), `${name}.${key} = ${String(bad)}`).toThrow(
          new RegExp(`^${name}: ${key} must be .* — got`),
        );
        if (typeof value === 'number') {
          expect(() => construct(name, C, { [key]: Number.NaN })).toThrow(WeightingError);
        }
      }
    });
  }

  it('names the option, the value and the rule', () => {
    expect(() => new mtl.PCGrad({ order: 'sorted' as 'fixed' })).toThrow(
      'PCGrad: order must be one of "random", "fixed" — got "sorted"',
    );
    expect(() => new mtl.MGDA({ maxIter: 0 })).toThrow('MGDA: maxIter must be an integer ≥ 1 — got 0');
    expect(() => new mtl.MGDA({ tol: -1 })).toThrow('MGDA: tol must be a finite number ≥ 0 — got -1');
    expect(() => new mtl.DBMTL({ beta: 1 })).toThrow('DBMTL: beta must be a number in [0, 1) — got 1');
    expect(() => new mtl.GradVac({ groups: [] })).toThrow(/GradVac: groups must be a non-empty array/);
    expect(() => new UW({ tasks: ['a', 'a'] })).toThrow(/UW: tasks must be an array of distinct task names/);
    // An option set to undefined reads as not given, so spreading partial settings works.
    expect(new mtl.PCGrad({ seed: undefined }).options).toEqual({
      updateWeightsEvery: 1,
      order: 'random',
      seed: 0,
    });
    // FairGrad's α = ∞ is max-min fairness; NashMTL's maxNorm = Infinity never clips.
    expect(new mtl.FairGrad({ alpha: Number.POSITIVE_INFINITY }).alpha).toBe(Number.POSITIVE_INFINITY);
    expect(new mtl.NashMTL({ maxNorm: Number.POSITIVE_INFINITY }).maxNorm).toBe(Number.POSITIVE_INFINITY);
    // Every method's error is a WeightingError, and so an MtlError.
    expect(() => new mtl.CAGrad({ calpha: -1 })).toThrow(MtlError);
  });
});

const model = () =>
  HardSharing.mlp({
    inputSize: 3,
    hidden: [4],
    tasks: { a: 1, b: 1 },
    dtype: 'float64',
    generator: new Generator(1),
  });

function losses(m: HardSharing): Record<string, Variable> {
  const g = new Generator(2);
  const out = m.forward(randn([5, 3], { dtype: 'float64', generator: g }));
  return Object.fromEntries(
    m.tasks.map((t) => [t, mseLoss(out[t]!, randn(out[t]!.shape, { dtype: 'float64', generator: g }))]),
  );
}

/** The methods with learnable per-task state, fresh and without init. */
const LEARNABLE: [string, () => WeightingMethod][] = [
  ['UW', () => new UW()],
  ['GradNorm', () => new GradNorm()],
  ['IMTLL', () => new IMTLL()],
  ['IMTL', () => new IMTL({ lossScale: true })],
];

describe('init(taskNames): the lifecycle of learnable state', () => {
  for (const [name, make] of LEARNABLE) {
    it(`${name}: refuses parameters() and backward before init, then has one parameter per task`, () => {
      const method = make();
      expect(method.learnable).toBe(true);
      expect(method.taskNames).toBeNull();
      expect(() => method.parameters()).toThrow(WeightingError);
      expect(() => method.parameters()).toThrow(
        new RegExp(
          `^${name}\\.parameters: ${name} learns per-task parameters, which init\\(taskNames\\) creates`,
        ),
      );
      const m = model();
      expect(() => method.backward(losses(m), { shared: m.sharedParameters(), epoch: 0 })).toThrow(
        new RegExp(`^${name}\\.backward: .*call \\.init\\(`),
      );
      expect(method.init(['a', 'b'])).toBe(method);
      expect(method.taskNames).toEqual(['a', 'b']);
      expect(method.parameters().length).toBe(2);
      const before = method.parameters();
      method.init(['b', 'a']); // the same tasks: nothing happens
      expect(method.parameters()).toEqual(before);
      expect(() => method.init(['a', 'c'])).toThrow(
        `${name}.init: already initialised for tasks [a, b], got [a, c]`,
      );
      method.backward(losses(m), { shared: m.sharedParameters(), epoch: 0 });
    });
  }

  it('checks the task names, and that every loss is one of them', () => {
    const ew = new mtl.EW();
    expect(ew.learnable).toBe(false);
    expect(() => ew.init([])).toThrow(
      'EW.init: taskNames must be a non-empty array of distinct task names — got []',
    );
    expect(() => ew.init(['a', 'a'])).toThrow(WeightingError);
    expect(() => ew.init('a' as unknown as string[])).toThrow(WeightingError);
    const m = model();
    // A method without learnable state works without init ...
    expect(ew.backward(losses(m), { shared: m.sharedParameters() })).toEqual({ a: 1, b: 1 });
    // ... and, once given its tasks, refuses a loss of another.
    const pcgrad = new mtl.PCGrad().init(['a', 'c']);
    expect(() => pcgrad.backward(losses(m), { shared: m.sharedParameters() })).toThrow(
      'PCGrad.backward: task "b" was not given to init([a, c]) — pass every task to init',
    );
    // A subset is fine: the Trainer leaves out tasks without labels in a batch.
    const uw = new UW().init(['a', 'b']);
    const { b: _, ...onlyA } = losses(m);
    expect(uw.backward(onlyA, { shared: m.sharedParameters() })).toEqual({ a: 1 / (2 * Math.exp(-0.5)) });
  });

  const tasks = [
    { name: 'a', type: 'regression' as const },
    { name: 'b', type: 'regression' as const },
  ];

  it('the Trainer refuses a weighting whose parameters the optimizer does not hold', () => {
    // The README's old advice, followed by a new user: the optimizer is built before UW has its
    // scalars, which then never move.
    const m = model();
    const weighting = new UW();
    const optimizer = new Adam(m.parameters(), { lr: 0.01 });
    expect(() => new Trainer({ model: m, tasks, optimizer, weighting, progress: false })).toThrow(
      "Trainer: UW's parameters logVar.a, logVar.b are not in the optimizer, so they would never be trained",
    );
    const early = new UW().init(['a', 'b']);
    expect(
      () =>
        new Trainer({
          model: m,
          tasks,
          optimizer: new Adam(m.parameters()),
          weighting: early,
          progress: false,
        }),
    ).toThrow(WeightingError);
  });

  it('the Trainer calls init with its tasks, and the learnable state trains', () => {
    const m = model();
    const weighting = new UW().init(['a', 'b']);
    const optimizer = new Adam([...m.parameters(), ...weighting.parameters()], { lr: 0.1 });
    const trainer = new Trainer({ model: m, tasks, optimizer, weighting, progress: false });
    const x = randn([8, 3], { dtype: 'float64', generator: new Generator(4) });
    const labels = { a: x.sum(1), b: x.select(1, 0) };
    trainer.trainStep({ features: x, labels });
    expect(weighting.logVar('a').item()).not.toBe(-0.5);
    const pcgrad = new mtl.PCGrad();
    new Trainer({ model: m, tasks, optimizer, weighting: pcgrad, progress: false });
    expect(pcgrad.taskNames).toEqual(['a', 'b']);
    // A method initialised for other tasks is refused, naming both sets.
    expect(
      () =>
        new Trainer({
          model: m,
          tasks,
          optimizer,
          weighting: new mtl.DWA().init(['a', 'z']),
          progress: false,
        }),
    ).toThrow('DWA.init: already initialised for tasks [a, z], got [a, b]');
  });
});

/** The Gramian methods (weights from G), fresh, reusing their weights for `k` steps. */
const GRAMIAN: [string, (k: number) => mtl.GramianAggregation][] = [
  ['MGDA', (k) => new mtl.MGDA({ updateWeightsEvery: k })],
  ['PCGrad', (k) => new mtl.PCGrad({ updateWeightsEvery: k })],
  ['CAGrad', (k) => new mtl.CAGrad({ updateWeightsEvery: k })],
  ['IMTL', (k) => new mtl.IMTL({ updateWeightsEvery: k })],
  ['NashMTL', (k) => new mtl.NashMTL({ updateWeightsEvery: k, maxNorm: 0.05 })],
  ['AlignedMTL', (k) => new mtl.AlignedMTL({ updateWeightsEvery: k })],
  ['UPGrad', (k) => new mtl.UPGrad({ updateWeightsEvery: k })],
  ['DualProj', (k) => new mtl.DualProj({ updateWeightsEvery: k })],
  ['ConFIG', (k) => new mtl.ConFIG({ updateWeightsEvery: k })],
  ['FairGrad', (k) => new mtl.FairGrad({ updateWeightsEvery: k })],
  ['SDMGrad', (k) => new mtl.SDMGrad({ updateWeightsEvery: k })],
  ['MoDo', (k) => new mtl.MoDo({ updateWeightsEvery: k, gamma: 0.1 })],
  // All three selected, so that no weight is 0 (the test compares weights by their ratios).
  ['Krum', (k) => new mtl.Krum({ updateWeightsEvery: k, nSelected: 3 })],
];

/** Losses of `m` on batch `seed` (three tasks, so the Gramian methods have a conflict to resolve). */
function batchLosses(m: HardSharing, seed: number): Record<string, Variable> {
  const g = new Generator(seed);
  const out = m.forward(randn([6, 3], { dtype: 'float64', generator: g }));
  return Object.fromEntries(
    m.tasks.map((t) => [t, mseLoss(out[t]!, randn(out[t]!.shape, { dtype: 'float64', generator: g }))]),
  );
}

const threeTasks = () =>
  HardSharing.mlp({
    inputSize: 3,
    hidden: [4],
    tasks: { a: 1, b: 1, c: 1 },
    dtype: 'float64',
    generator: new Generator(7),
  });

const gradsOf = (ps: readonly { grad: { data: ArrayLike<number> } | null }[]) =>
  ps.map((p) => Array.from(p.grad?.data ?? []));

describe('updateWeightsEvery: every Gramian method reuses its weights between updates', () => {
  for (const [name, make] of GRAMIAN) {
    it(`${name}: step 1 of 2 applies step 0's weights to its own gradients, heads unweighted; the state round-trips`, () => {
      const method = make(2);
      const m = threeTasks();
      const first = method.backward(batchLosses(m, 1), { shared: m.sharedParameters() });
      expect(method.lastDiagnostics!.gradNorms).toBeDefined();
      const state = JSON.parse(JSON.stringify(method.stateDict()));
      // Step 1 on another batch, against the same direction formed by hand from its gradients.
      for (const p of m.parameters()) p.zeroGrad();
      const losses = batchLosses(m, 2);
      const reused = method.backward(losses, { shared: m.sharedParameters() });
      expect(method.lastDiagnostics!.gradNorms).toBeUndefined(); // no per-task gradients taken
      const byHand = threeTasks();
      const handLosses = batchLosses(byHand, 2);
      const rows = Object.values(handLosses).map(
        (l) => mtl.taskGradients([l], byHand.sharedParameters()).rows[0]!,
      );
      // The weights are step 0's, up to the clipping factor (NashMTL clips each step's own d).
      const scale = reused.a! / first.a!;
      if (name !== 'NashMTL') expect(scale).toBeCloseTo(1, 14);
      for (const t of ['b', 'c']) expect(reused[t]! / first[t]!).toBeCloseTo(scale, 12);
      const d = mtl.weightedSum(rows, Object.values(reused));
      expect(gradsOf(m.sharedParameters()).flat()).toEqual(
        gradsOf(m.sharedParameters())
          .flat()
          .map((_, k) => expect.closeTo(d[k]!, 12)),
      );
      if (name === 'NashMTL') expect(Math.hypot(...d)).toBeCloseTo(0.05, 6); // clipped to maxNorm
      for (const t of m.tasks) {
        const own = mtl.taskGradients([handLosses[t]!], byHand.taskParameters(t)).rows[0]!;
        gradsOf(m.taskParameters(t))
          .flat()
          .forEach((v, k) => {
            expect(v).toBeCloseTo(own[k]!, 12);
          });
      }
      // A copy loaded with step 0's state also reuses step 0's weights at its step 1.
      const copy = make(2);
      copy.loadStateDict(state);
      const c = threeTasks();
      expect(copy.backward(batchLosses(c, 2), { shared: c.sharedParameters() })).toEqual(reused);
      // Step 2 computes new weights.
      method.backward(batchLosses(m, 3), { shared: m.sharedParameters() });
      expect(method.lastDiagnostics!.gradNorms).toBeDefined();
      method.reset();
      expect(method.stateDict()).toMatchObject({ step: 0, weights: null });
    });
  }

  it('reuses them on the representation too', () => {
    const method = new mtl.UPGrad({ updateWeightsEvery: 3 });
    const m = threeTasks();
    const first = method.backward(batchLosses(m, 1), {
      shared: m.sharedParameters(),
      representation: m.representation,
    });
    for (const p of m.parameters()) p.zeroGrad();
    const reused = method.backward(batchLosses(m, 2), {
      shared: m.sharedParameters(),
      representation: m.representation,
    });
    expect(reused).toEqual(first);
    const ref = threeTasks();
    const l = batchLosses(ref, 2);
    const total = Object.values(l).reduce(
      (acc, loss, i) => add(acc, mul(loss, Object.values(first)[i]!)),
      mul(Object.values(l)[0]!, 0),
    );
    const shared = mtl.taskGradients([total], ref.sharedParameters()).rows[0]!;
    gradsOf(m.sharedParameters())
      .flat()
      .forEach((v, k) => {
        expect(v).toBeCloseTo(shared[k]!, 12);
      });
  });
});
