import { readFileSync } from 'node:fs';
import { tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LrLambda,
  MultiStepLR,
  OneCycleLR,
  OptimError,
  type Optimizer,
  type ParameterLike,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index';
import type { LRScheduler } from '../src/schedulers/LRScheduler';

/*
 * Replays tools/reference/schedulers.py's PyTorch 1.13 sequences (see that file for the format),
 * then checks what the fixtures cannot: state dict round trips, validation and error messages.
 */

type Options = Record<string, unknown>;
interface Spec {
  type: string;
  options: Options;
  at?: number;
  schedulers?: Spec[];
}
interface OptimizerSpec {
  type: 'SGD' | 'Adam';
  options: Options;
  groups: (Options & { lr: number; initialLr?: number })[];
}
interface Case {
  name: string;
  optimizer: OptimizerSpec;
  schedulers: Spec[];
  steps: number;
  events?: { at: number; group: number; lr: number }[];
  metrics?: number[];
  lrs: number[][];
  momenta: number[][];
  lastLr: (number[] | null)[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/schedulers.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
};

/** The lambdas the generator names; the same arithmetic as its Python ones. */
const LAMBDAS: Record<string, LrLambda> = {
  pow095: (epoch) => 0.95 ** epoch,
  div10: (epoch) => Math.floor(epoch / 10),
  warmup5: (epoch) => Math.min(1, (epoch + 1) / 5),
};

type AnyOptimizer = Optimizer<{ lr: number }>;
type Scheduler = LRScheduler | ReduceLROnPlateau;

const param = (): ParameterLike => ({ value: tensor([0.5, -1], { dtype: 'float64' }), grad: null });

function buildOptimizer(spec: OptimizerSpec): AnyOptimizer {
  const groups = spec.groups.map(({ initialLr: _initial, ...g }) => ({ ...g, params: [param()] }));
  const opt: AnyOptimizer =
    spec.type === 'SGD'
      ? new SGD(groups, spec.options as { lr: number })
      : new Adam(groups, spec.options as { betas: [number, number] });
  spec.groups.forEach((g, i) => {
    // A resumed run: the group carries PyTorch's initial_lr already.
    if (g.initialLr !== undefined) (opt.paramGroups[i] as { initialLr?: number }).initialLr = g.initialLr;
  });
  return opt;
}

function buildScheduler(opt: AnyOptimizer, spec: Spec): Scheduler {
  const o = spec.options as never;
  switch (spec.type) {
    case 'StepLR':
      return new StepLR(opt, o);
    case 'MultiStepLR':
      return new MultiStepLR(opt, o);
    case 'ExponentialLR':
      return new ExponentialLR(opt, o);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, o);
    case 'LinearLR':
      return new LinearLR(opt, o);
    case 'LambdaLR': {
      const names = spec.options.lrLambda as string | string[];
      const lrLambda = Array.isArray(names) ? names.map((n) => LAMBDAS[n]!) : LAMBDAS[names]!;
      return new LambdaLR(opt, { ...spec.options, lrLambda });
    }
    case 'SequentialLR': {
      const schedulers = spec.schedulers!.map((s) => buildScheduler(opt, s) as LRScheduler);
      return new SequentialLR(opt, { ...(spec.options as { milestones: number[] }), schedulers });
    }
    case 'OneCycleLR':
      return new OneCycleLR(opt, o);
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(opt, o);
    default:
      throw new Error(`unknown scheduler ${spec.type}`);
  }
}

const momentumOf = (g: Record<string, unknown>): number =>
  Array.isArray(g.betas) ? (g.betas[0] as number) : ((g.momentum as number | undefined) ?? 0);

/** Runs a fixture's timeline: step every live scheduler, apply events, construct, record. */
function replay(c: Case) {
  const opt = buildOptimizer(c.optimizer);
  const live: Scheduler[] = [];
  const lrs: number[][] = [];
  const momenta: number[][] = [];
  const lastLr: (number[] | null)[] = [];
  for (let t = 0; t <= c.steps; t++) {
    if (t > 0) {
      for (const s of live) {
        if (s instanceof ReduceLROnPlateau) s.step(c.metrics![t - 1]!);
        else s.step();
      }
    }
    for (const e of c.events ?? []) if (e.at === t) opt.paramGroups[e.group]!.lr = e.lr;
    for (const spec of c.schedulers) if ((spec.at ?? 0) === t) live.push(buildScheduler(opt, spec));
    lrs.push(opt.paramGroups.map((g) => g.lr));
    momenta.push(opt.paramGroups.map((g) => momentumOf(g as unknown as Record<string, unknown>)));
    lastLr.push(live.at(-1)!.getLastLr());
  }
  return { lrs, momenta, lastLr, opt };
}

/** float64 to ~1e-12 relative: the only differences are libm's last bits in cos and pow. */
function expectRows(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length, `${what}: rows`).toBe(expected.length);
  expected.forEach((row, t) => {
    expect(actual[t]!.length, `${what}[${t}]: groups`).toBe(row.length);
    row.forEach((e, i) => {
      const a = actual[t]![i]!;
      const ok = Math.abs(a - e) <= 1e-12 * Math.abs(e) + 1e-300;
      if (!ok) expect(a, `${what} at step ${t}, group ${i}`).toBe(e);
    });
  });
}

describe(`PyTorch ${fixture.torch} reference sequences`, () => {
  it('has cases for every scheduler', () => {
    const kinds = new Set(fixture.cases.flatMap((c) => c.schedulers.map((s) => s.type)));
    for (const k of [
      'StepLR',
      'MultiStepLR',
      'ExponentialLR',
      'CosineAnnealingLR',
      'LinearLR',
      'LambdaLR',
      'SequentialLR',
      'OneCycleLR',
      'ReduceLROnPlateau',
    ]) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { lrs, momenta, lastLr, opt } = replay(c);
    expectRows(lrs, c.lrs, 'lr');
    expectRows(momenta, c.momenta, 'momentum');
    c.lastLr.forEach((row, t) => {
      if (row !== null) expectRows([lastLr[t]!], [row], `getLastLr() after step ${t}`);
    });
    // OneCycleLR cycles betas[0] only; betas[1] stays the group's own.
    if (c.optimizer.type === 'Adam') {
      for (const g of opt.paramGroups as unknown as { betas: number[] }[]) {
        expect(g.betas[1]).toBe((c.optimizer.options.betas as number[])[1]);
      }
    }
  });
});

/** A fresh optimizer and scheduler of each kind, for the round-trip tests. */
const factories: [string, () => { opt: AnyOptimizer; sched: Scheduler }][] = [
  ['StepLR', () => withSgd((o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }))],
  ['MultiStepLR', () => withSgd((o) => new MultiStepLR(o, { milestones: [2, 9, 9, 14], gamma: 0.3 }))],
  ['ExponentialLR', () => withSgd((o) => new ExponentialLR(o, { gamma: 0.9 }))],
  ['CosineAnnealingLR', () => withSgd((o) => new CosineAnnealingLR(o, { tMax: 6, etaMin: 0.001 }))],
  ['LinearLR', () => withSgd((o) => new LinearLR(o, { startFactor: 0.2, totalIters: 12 }))],
  ['LambdaLR', () => withSgd((o) => new LambdaLR(o, { lrLambda: [LAMBDAS.pow095!, LAMBDAS.warmup5!] }))],
  [
    'SequentialLR',
    () =>
      withSgd((o) => {
        const warmup = new LinearLR(o, { startFactor: 0.1, totalIters: 5 });
        const cosine = new CosineAnnealingLR(o, { tMax: 10 });
        const step = new StepLR(o, { stepSize: 2 });
        return new SequentialLR(o, { schedulers: [warmup, cosine, step], milestones: [5, 15] });
      }),
  ],
  [
    'OneCycleLR (SGD)',
    () => withSgd((o) => new OneCycleLR(o, { maxLr: [0.5, 0.2], totalSteps: 30, threePhase: true })),
  ],
  [
    'OneCycleLR (Adam)',
    () => {
      const opt = new Adam([{ params: [param()] }, { params: [param()], lr: 0.01 }], { betas: [0.9, 0.99] });
      return {
        opt,
        sched: new OneCycleLR(opt, { maxLr: 0.01, epochs: 3, stepsPerEpoch: 10, annealStrategy: 'linear' }),
      };
    },
  ],
  [
    'ReduceLROnPlateau',
    () =>
      withSgd(
        (o) => new ReduceLROnPlateau(o, { patience: 1, cooldown: 1, factor: 0.5, minLr: [0.01, 0.001] }),
      ),
  ],
];

function withSgd(make: (opt: AnyOptimizer) => Scheduler) {
  const opt = new SGD([{ params: [param()] }, { params: [param()], lr: 0.05 }], { lr: 0.2, momentum: 0.9 });
  return { opt, sched: make(opt) };
}

const metricAt = (t: number) =>
  [1, 0.9, 0.9, 0.9, 0.85, 0.85, 0.86, 0.84, 0.84, 0.84][t % 10]! - 0.001 * Math.floor(t / 10);

function advance(s: Scheduler, from: number, steps: number): void {
  for (let t = from; t < from + steps; t++) {
    if (s instanceof ReduceLROnPlateau) s.step(metricAt(t));
    else s.step();
  }
}

const snapshot = (opt: AnyOptimizer) =>
  opt.paramGroups.map((g) => [g.lr, momentumOf(g as unknown as Record<string, unknown>)]);

describe.each(factories)('%s', (_name, make) => {
  it('a stateDict round trip mid-run (through JSON) continues identically', () => {
    const a = make();
    advance(a.sched, 0, 7);
    const optSd = JSON.parse(JSON.stringify(a.opt.stateDict()));
    const schedSd = JSON.parse(JSON.stringify(a.sched.stateDict()));
    const b = make();
    // Construction stepped b's schedule from the start; loading puts it where a is.
    b.opt.loadStateDict(optSd);
    b.sched.loadStateDict(schedSd);
    expect(b.sched.getLastLr()).toEqual(a.sched.getLastLr());
    for (let t = 7; t < 27; t++) {
      advance(a.sched, t, 1);
      advance(b.sched, t, 1);
      expect(snapshot(b.opt)).toEqual(snapshot(a.opt));
      expect(b.sched.getLastLr()).toEqual(a.sched.getLastLr());
    }
  });

  it('getLastLr() is a copy of the lrs it wrote', () => {
    const { opt, sched } = make();
    advance(sched, 0, 3);
    const last = sched.getLastLr();
    expect(last).toEqual(opt.paramGroups.map((g) => g.lr));
    last[0] = 123;
    expect(sched.getLastLr()[0]).not.toBe(123);
  });
});

describe('schedulers drive the optimizer', () => {
  it('SGD uses the lr the scheduler wrote at each step', () => {
    const p: ParameterLike = { value: tensor([0], { dtype: 'float64' }), grad: null };
    const opt = new SGD([p], { lr: 1 });
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const moved: number[] = [];
    for (let t = 0; t < 6; t++) {
      p.grad = tensor([1], { dtype: 'float64' });
      const before = p.value.data[0]!;
      opt.step();
      moved.push(before - p.value.data[0]!);
      sched.step();
    }
    expect(moved).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('constructing performs the initial step and records initialLr on each group', () => {
    const opt = new SGD([{ params: [param()] }, { params: [param()], lr: 0.3 }], { lr: 0.1 });
    const sched = new LinearLR(opt, { startFactor: 0.5 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.05, 0.15]);
    expect(opt.paramGroups.map((g) => (g as { initialLr?: number }).initialLr)).toEqual([0.1, 0.3]);
    expect(sched.lastEpoch).toBe(0);
    expect(sched.baseLrs).toEqual([0.1, 0.3]);
    // A second scheduler keeps the first one's initialLr (PyTorch's setdefault) as its base.
    const second = new ExponentialLR(opt, { gamma: 0.5 });
    expect(second.baseLrs).toEqual([0.1, 0.3]);
  });

  it('an lr set by hand is decayed from its new value by a chainable scheduler', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    opt.paramGroups[0]!.lr = 0.8;
    sched.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.4);
  });

  it('OneCycleLR gives Adam groups new betas pairs, leaving the defaults alone', () => {
    const opt = new Adam([param()], { lr: 0.001 });
    new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 10, maxMomentum: 0.9, baseMomentum: 0.8 });
    expect((opt.paramGroups[0] as unknown as { betas: number[] }).betas).toEqual([0.9, 0.999]);
    expect(opt.defaults.betas).toEqual([0.9, 0.999]);
    expect(Object.isFrozen(opt.defaults)).toBe(true);
  });

  it('ReduceLROnPlateau accepts a one-element tensor as the metric', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 0 });
    sched.step(tensor([1], { dtype: 'float64' }));
    sched.step(tensor(2));
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.01, 15);
    expect(sched.best).toBe(1);
  });

  it('ReduceLROnPlateau counts NaN as no improvement, as PyTorch does', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 1 });
    sched.step(1);
    sched.step(Number.NaN);
    expect(sched.numBadEpochs).toBe(1);
    sched.step(Number.NaN);
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.01, 15);
  });

  it('ReduceLROnPlateau state dicts keep the infinite initial best through JSON', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const a = new ReduceLROnPlateau(opt, { mode: 'max' });
    const sd = JSON.parse(JSON.stringify(a.stateDict()));
    expect(sd.best).toBe('-Infinity');
    const b = new ReduceLROnPlateau(opt);
    b.loadStateDict(sd);
    expect(b.mode).toBe('max');
    expect(b.best).toBe(Number.NEGATIVE_INFINITY);
  });

  it('LambdaLR state dicts hold no functions; the loading scheduler keeps its own', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const a = new LambdaLR(opt, { lrLambda: LAMBDAS.pow095! });
    a.step();
    const sd = JSON.parse(JSON.stringify(a.stateDict()));
    expect(JSON.stringify(sd)).not.toContain('function');
    const b = new LambdaLR(opt, { lrLambda: LAMBDAS.pow095! });
    b.loadStateDict(sd);
    b.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.1 * 0.95 ** 2);
  });
});

describe('OneCycleLR stops at totalSteps, as PyTorch does', () => {
  it('allows totalSteps calls of step() after construction, then throws', () => {
    const opt = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    for (let i = 0; i < 10; i++) sched.step();
    const lr = opt.paramGroups[0]!.lr;
    expect(() => sched.step()).toThrow(OptimError);
    expect(() => sched.step()).toThrow(
      'OneCycleLR: tried to step 12 times; the specified number of total steps is 10 (step() may be called totalSteps times after construction)',
    );
    // The failed step changed nothing.
    expect(sched.lastEpoch).toBe(10);
    expect(opt.paramGroups[0]!.lr).toBe(lr);
  });

  it('throws inside SequentialLR too, without advancing the sequence', () => {
    const opt = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    const warmup = new LinearLR(opt, { totalIters: 2 });
    const cycle = new OneCycleLR(opt, { maxLr: 1, totalSteps: 5 });
    const seq = new SequentialLR(opt, { schedulers: [warmup, cycle], milestones: [2] });
    for (let i = 0; i < 7; i++) seq.step();
    expect(() => seq.step()).toThrow(/OneCycleLR: tried to step/);
    expect(seq.lastEpoch).toBe(7);
  });

  it('reports a phase of zero length where PyTorch divides by zero', () => {
    const opt = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    // pctStart * totalSteps = 1: the first phase ends at step 0, where it starts.
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 0.1 })).toThrow(
      /OneCycleLR: phase 1 of the cycle has no length/,
    );
  });
});

describe('validation', () => {
  const sgd = () =>
    new SGD([{ params: [param()] }, { params: [param()], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
  const cases: [string, (opt: AnyOptimizer) => unknown, string | RegExp][] = [
    [
      'StepLR stepSize 0',
      (o) => new StepLR(o, { stepSize: 0 }),
      'StepLR: stepSize must be a positive integer — got 0',
    ],
    [
      'StepLR stepSize 2.5',
      (o) => new StepLR(o, { stepSize: 2.5 }),
      'StepLR: stepSize must be a positive integer — got 2.5',
    ],
    [
      'StepLR missing stepSize',
      (o) => new StepLR(o, {} as never),
      'StepLR: stepSize must be a positive integer — got undefined',
    ],
    [
      'StepLR gamma',
      (o) => new StepLR(o, { stepSize: 2, gamma: -0.5 }),
      'StepLR: gamma must be a finite number > 0 — got -0.5',
    ],
    [
      'StepLR snake_case option',
      (o) => new StepLR(o, { step_size: 2 } as never),
      /StepLR: unknown option "step_size"/,
    ],
    [
      'StepLR lastEpoch',
      (o) => new StepLR(o, { stepSize: 2, lastEpoch: -2 }),
      'StepLR: lastEpoch must be an integer >= -1 — got -2',
    ],
    [
      'StepLR resume without initialLr',
      (o) => new StepLR(o, { stepSize: 2, lastEpoch: 4 }),
      /StepLR: lastEpoch=4 resumes a schedule, but paramGroups\[0\] has no initialLr/,
    ],
    [
      'not an optimizer',
      () => new StepLR({ paramGroups: [] } as never, { stepSize: 1 }),
      /StepLR: the first argument must be an Optimizer/,
    ],
    [
      'MultiStepLR negative milestone',
      (o) => new MultiStepLR(o, { milestones: [3, -1] }),
      'MultiStepLR: milestones[1] must be a non-negative integer — got -1',
    ],
    [
      'MultiStepLR milestones not an array',
      (o) => new MultiStepLR(o, { milestones: 5 as never }),
      /MultiStepLR: milestones must be an array/,
    ],
    [
      'ExponentialLR missing gamma',
      (o) => new ExponentialLR(o, {} as never),
      /ExponentialLR: gamma is required/,
    ],
    [
      'ExponentialLR gamma NaN',
      (o) => new ExponentialLR(o, { gamma: Number.NaN }),
      'ExponentialLR: gamma must be a finite number > 0 — got NaN',
    ],
    [
      'CosineAnnealingLR tMax 0',
      (o) => new CosineAnnealingLR(o, { tMax: 0 }),
      'CosineAnnealingLR: tMax must be a positive integer — got 0',
    ],
    [
      'CosineAnnealingLR etaMin',
      (o) => new CosineAnnealingLR(o, { tMax: 5, etaMin: -1 }),
      'CosineAnnealingLR: etaMin must be a finite number >= 0 — got -1',
    ],
    [
      'LinearLR startFactor 0',
      (o) => new LinearLR(o, { startFactor: 0 }),
      'LinearLR: startFactor must be in (0, 1] — got 0',
    ],
    [
      'LinearLR startFactor 1.5',
      (o) => new LinearLR(o, { startFactor: 1.5 }),
      'LinearLR: startFactor must be in (0, 1] — got 1.5',
    ],
    [
      'LinearLR endFactor',
      (o) => new LinearLR(o, { endFactor: 2 }),
      'LinearLR: endFactor must be in [0, 1] — got 2',
    ],
    [
      'LinearLR totalIters',
      (o) => new LinearLR(o, { totalIters: 0 }),
      'LinearLR: totalIters must be a positive integer — got 0',
    ],
    [
      'LambdaLR count',
      (o) => new LambdaLR(o, { lrLambda: [LAMBDAS.pow095!] }),
      'LambdaLR: lrLambda has 1 functions but the optimizer has 2 parameter groups',
    ],
    [
      'LambdaLR not a function',
      (o) => new LambdaLR(o, { lrLambda: 0.5 as never }),
      /LambdaLR: lrLambda must be a function/,
    ],
    [
      'SequentialLR milestone count',
      (o) =>
        new SequentialLR(o, {
          schedulers: [new StepLR(o, { stepSize: 1 }), new ExponentialLR(o, { gamma: 0.9 })],
          milestones: [],
        }),
      'SequentialLR: milestones must have one entry fewer than schedulers (1), got []',
    ],
    [
      'SequentialLR decreasing milestones',
      (o) =>
        new SequentialLR(o, {
          schedulers: [new StepLR(o, { stepSize: 1 }), new ExponentialLR(o, { gamma: 0.9 }), new LinearLR(o)],
          milestones: [5, 3],
        }),
      'SequentialLR: milestones must be increasing, got [5, 3]',
    ],
    [
      'SequentialLR other optimizer',
      (o) => new SequentialLR(o, { schedulers: [new StepLR(sgd(), { stepSize: 1 })], milestones: [] }),
      'SequentialLR: schedulers[0] (StepLR) belongs to a different optimizer than the one passed in',
    ],
    [
      'SequentialLR with ReduceLROnPlateau',
      (o) => new SequentialLR(o, { schedulers: [new ReduceLROnPlateau(o) as never], milestones: [] }),
      /SequentialLR: schedulers\[0\] must be an epoch-based scheduler/,
    ],
    [
      'OneCycleLR no length',
      (o) => new OneCycleLR(o, { maxLr: 1 }),
      /OneCycleLR: give totalSteps, or epochs and stepsPerEpoch/,
    ],
    [
      'OneCycleLR totalSteps 0',
      (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 0 }),
      'OneCycleLR: totalSteps must be a positive integer — got 0',
    ],
    [
      'OneCycleLR epochs only',
      (o) => new OneCycleLR(o, { maxLr: 1, epochs: 3 }),
      'OneCycleLR: stepsPerEpoch must be a positive integer — got undefined',
    ],
    [
      'OneCycleLR pctStart',
      (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 9, pctStart: 1.5 }),
      'OneCycleLR: pctStart must be in [0, 1] — got 1.5',
    ],
    [
      'OneCycleLR annealStrategy',
      (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 9, annealStrategy: 'cosine' as never }),
      `OneCycleLR: annealStrategy must be 'cos' or 'linear', got "cosine"`,
    ],
    [
      'OneCycleLR maxLr per group',
      (o) => new OneCycleLR(o, { maxLr: [1, 2, 3], totalSteps: 9 }),
      'OneCycleLR: maxLr has 3 values but the optimizer has 2 parameter groups (give one value, or one per group)',
    ],
    [
      'OneCycleLR maxLr value',
      (o) => new OneCycleLR(o, { maxLr: [1, -2], totalSteps: 9 }),
      'OneCycleLR: maxLr[1] must be a finite number > 0 — got -2',
    ],
    [
      'OneCycleLR divFactor',
      (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 9, divFactor: 0 }),
      'OneCycleLR: divFactor must be a finite number > 0 — got 0',
    ],
    [
      'OneCycleLR momentum',
      (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 9, maxMomentum: -0.1 }),
      'OneCycleLR: maxMomentum must be a finite number >= 0 — got -0.1',
    ],
    [
      'ReduceLROnPlateau factor',
      (o) => new ReduceLROnPlateau(o, { factor: 1 }),
      'ReduceLROnPlateau: factor must be in [0, 1) — got 1',
    ],
    [
      'ReduceLROnPlateau mode',
      (o) => new ReduceLROnPlateau(o, { mode: 'minimum' as never }),
      `ReduceLROnPlateau: mode must be 'min' or 'max', got "minimum"`,
    ],
    [
      'ReduceLROnPlateau thresholdMode',
      (o) => new ReduceLROnPlateau(o, { thresholdMode: 'relative' as never }),
      `ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got "relative"`,
    ],
    [
      'ReduceLROnPlateau patience',
      (o) => new ReduceLROnPlateau(o, { patience: -1 }),
      'ReduceLROnPlateau: patience must be a non-negative integer — got -1',
    ],
    [
      'ReduceLROnPlateau minLr count',
      (o) => new ReduceLROnPlateau(o, { minLr: [0.1] }),
      'ReduceLROnPlateau: minLr has 1 values but the optimizer has 2 parameter groups (give one value, or one per group)',
    ],
    [
      'ReduceLROnPlateau minLr value',
      (o) => new ReduceLROnPlateau(o, { minLr: [0.1, -1] }),
      'ReduceLROnPlateau: minLr[1] must be a finite number >= 0 — got -1',
    ],
    [
      'ReduceLROnPlateau unknown option',
      (o) => new ReduceLROnPlateau(o, { min_lr: 0 } as never),
      /ReduceLROnPlateau: unknown option "min_lr"/,
    ],
    [
      'ReduceLROnPlateau metric',
      (o) => new ReduceLROnPlateau(o).step('0.5' as never),
      'ReduceLROnPlateau.step: metric must be a number or a one-element tensor, got "0.5"',
    ],
  ];

  it.each(cases)('%s', (_name, make, message) => {
    const opt = sgd();
    const lrs = opt.paramGroups.map((g) => g.lr);
    expect(() => make(opt)).toThrow(OptimError);
    expect(() => make(sgd())).toThrow(message);
    // Options are checked before the optimizer is touched.
    if (!String(_name).startsWith('SequentialLR')) {
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(lrs);
      expect(opt.paramGroups.some((g) => 'initialLr' in g)).toBe(false);
    }
  });

  it('OneCycleLR cycleMomentum needs momentum or betas', () => {
    const opt = new Adagrad([param()], { lr: 0.1 });
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 9 })).toThrow(
      'OneCycleLR: cycleMomentum needs an optimizer with momentum or betas, and Adagrad has neither; pass cycleMomentum: false',
    );
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 9, cycleMomentum: false })).not.toThrow();
  });

  it('OneCycleLR keeps Adam betas[0] below 1', () => {
    const opt = new Adam([param()]);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 9, maxMomentum: 1 })).toThrow(
      'OneCycleLR: maxMomentum must be in [0, 1) — got 1',
    );
  });

  it('loadStateDict rejects another scheduler’s state dict and bad values, changing nothing', () => {
    const opt = sgd();
    const step = new StepLR(opt, { stepSize: 2 });
    const cos = new CosineAnnealingLR(opt, { tMax: 4 });
    expect(() => step.loadStateDict(cos.stateDict())).toThrow(
      `StepLR.loadStateDict: missing "stepSize" (is it another scheduler's state dict?)`,
    );
    expect(() => step.loadStateDict({ ...step.stateDict(), gamma: -1 })).toThrow(
      'StepLR: gamma must be a finite number > 0 — got -1',
    );
    expect(step.gamma).toBe(0.1);
    expect(() => step.loadStateDict({ ...step.stateDict(), lastEpoch: 1.5 })).toThrow(
      'StepLR.loadStateDict: lastEpoch must be an integer >= -1 — got 1.5',
    );
    const seq = new SequentialLR(opt, { schedulers: [step, cos], milestones: [3] });
    expect(() => seq.loadStateDict(step.stateDict())).toThrow(
      'SequentialLR.loadStateDict: expected state for 2 schedulers, got undefined',
    );
    const plateau = new ReduceLROnPlateau(opt);
    expect(() => plateau.loadStateDict({ ...plateau.stateDict(), factor: 2 })).toThrow(
      'ReduceLROnPlateau: factor must be in [0, 1) — got 2',
    );
    expect(plateau.factor).toBe(0.1);
  });
});
