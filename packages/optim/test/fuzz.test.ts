import { MtlError, type Tensor, tensor } from '@mtl/tensor';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type FuzzCase, formatDefects, formatFuzzReport, fuzz, junk } from '../../../tools/testing/fuzz';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  clipGradNorm,
  clipGradValue,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  Momentum,
  MultiStepLR,
  OneCycleLR,
  type Optimizer,
  type OptimizerStateDict,
  type ParameterLike,
  ReduceLROnPlateau,
  RMSprop,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index';

/*
 * Random, mostly invalid, arguments for every public function and method of @mtl/optim: the
 * optimizers' constructors, step, zeroGrad, addParamGroup, stateDict/loadStateDict, every
 * scheduler's constructor, step and loadStateDict, clipGradNorm and clipGradValue. Each call must
 * end in a result or a typed error (an MtlError — OptimError here), never a generic
 * TypeError/RangeError or a hang. Valid float64 inputs are compared with straightforward loops
 * of PyTorch's update formulas (SGD, Adam, AdamW, clipping), and a state dict loaded back
 * reproduces itself exactly.
 */

type Any = unknown;
type Opt = Optimizer<{ lr: number }>;

// ---- arbitraries ----------------------------------------------------------------------------

const orJunk = <T>(a: fc.Arbitrary<T>, weight = 12) =>
  fc.oneof({ weight, arbitrary: a as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk() });

const sizeArb = fc.integer({ min: 1, max: 5 });
const valuesArb = (n: number) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), {
    minLength: n,
    maxLength: n,
  });
const dtypeArb = fc.constantFrom<'float32' | 'float64'>('float64', 'float64', 'float32');

/** A parameter with values and 2 steps of gradients of its size (all valid). */
interface ParamSpec {
  dtype: 'float32' | 'float64';
  values: number[];
  grads: number[][];
}
const paramSpecArb: fc.Arbitrary<ParamSpec> = fc.tuple(sizeArb, dtypeArb).chain(([n, dtype]) =>
  fc.record({
    dtype: fc.constant(dtype),
    values: valuesArb(n),
    grads: fc.tuple(valuesArb(n), valuesArb(n)),
  }),
);
const specsArb = fc.array(paramSpecArb, { minLength: 1, maxLength: 3 });
const makeParam = (s: ParamSpec): ParameterLike => ({
  value: tensor(s.values, { dtype: s.dtype }),
  grad: null,
});

/** What goes where a parameter list belongs: parameters, groups, or junk in various places. */
const paramsArgArb = fc.oneof(
  { weight: 4, arbitrary: specsArb.map((ss) => ({ kind: 'params', ss }) as const) },
  { weight: 1, arbitrary: specsArb.map((ss) => ({ kind: 'groups', ss }) as const) },
  {
    weight: 1,
    arbitrary: fc.tuple(specsArb, junk()).map(([ss, j]) => ({ kind: 'junk-item', ss, j }) as const),
  },
  { weight: 1, arbitrary: junk().map((j) => ({ kind: 'junk', j }) as const) },
);
type ParamsArg = typeof paramsArgArb extends fc.Arbitrary<infer T> ? T : never;
function buildParams(arg: ParamsArg): Any {
  switch (arg.kind) {
    case 'params':
      return arg.ss.map(makeParam);
    case 'groups':
      return arg.ss.map((s) => ({ params: [makeParam(s)] }));
    case 'junk-item':
      return [...arg.ss.map(makeParam), arg.j];
    default:
      return arg.j;
  }
}

const lrArb = fc.double({ min: 0, max: 0.5, noNaN: true });
const unitArb = fc.double({ min: 0, max: 0.99, noNaN: true });
const smallArb = fc.double({ min: 0, max: 0.1, noNaN: true });
const boolArb = fc.boolean();

/** Each optimizer's hyperparameters with valid values, one in five replaced by junk. */
const optimizerKinds = {
  SGD: {
    make: (p: Any, o: Any) => new SGD(p as never, o as never),
    options: fc.record(
      {
        lr: orJunk(lrArb),
        momentum: orJunk(unitArb),
        dampening: orJunk(smallArb),
        weightDecay: orJunk(smallArb),
        nesterov: orJunk(boolArb),
        maximize: orJunk(boolArb),
      },
      { requiredKeys: ['lr'] },
    ),
  },
  Momentum: {
    make: (p: Any, o: Any) => new Momentum(p as never, o as never),
    options: fc.record(
      {
        lr: orJunk(lrArb),
        momentum: orJunk(unitArb),
        weightDecay: orJunk(smallArb),
        maximize: orJunk(boolArb),
      },
      { requiredKeys: ['lr'] },
    ),
  },
  Adam: {
    make: (p: Any, o: Any) => new Adam(p as never, o as never),
    options: fc.record(
      {
        lr: orJunk(lrArb),
        betas: orJunk(fc.tuple(unitArb, unitArb)),
        eps: orJunk(fc.double({ min: 1e-10, max: 1e-6, noNaN: true })),
        weightDecay: orJunk(smallArb),
        amsgrad: orJunk(boolArb),
        maximize: orJunk(boolArb),
      },
      { requiredKeys: [] },
    ),
  },
  AdamW: {
    make: (p: Any, o: Any) => new AdamW(p as never, o as never),
    options: fc.record(
      {
        lr: orJunk(lrArb),
        betas: orJunk(fc.tuple(unitArb, unitArb)),
        weightDecay: orJunk(smallArb),
        amsgrad: orJunk(boolArb),
        maximize: orJunk(boolArb),
      },
      { requiredKeys: [] },
    ),
  },
  RMSprop: {
    make: (p: Any, o: Any) => new RMSprop(p as never, o as never),
    options: fc.record(
      {
        lr: orJunk(lrArb),
        alpha: orJunk(unitArb),
        eps: orJunk(fc.double({ min: 1e-10, max: 1e-6, noNaN: true })),
        weightDecay: orJunk(smallArb),
        momentum: orJunk(unitArb),
        centered: orJunk(boolArb),
        maximize: orJunk(boolArb),
      },
      { requiredKeys: [] },
    ),
  },
  Adagrad: {
    make: (p: Any, o: Any) => new Adagrad(p as never, o as never),
    options: fc.record(
      {
        lr: orJunk(lrArb),
        lrDecay: orJunk(smallArb),
        weightDecay: orJunk(smallArb),
        initialAccumulatorValue: orJunk(smallArb),
        eps: orJunk(fc.double({ min: 1e-10, max: 1e-6, noNaN: true })),
        maximize: orJunk(boolArb),
      },
      { requiredKeys: [] },
    ),
  },
} as const;
type Kind = keyof typeof optimizerKinds;
const kinds = Object.keys(optimizerKinds) as Kind[];

/** Valid options for `kind` (no junk), for the cases that fuzz something else. */
const validOptions: Record<Kind, Record<string, unknown>> = {
  SGD: { lr: 0.1, momentum: 0.9 },
  Momentum: { lr: 0.1 },
  Adam: { lr: 0.01, amsgrad: true },
  AdamW: { lr: 0.01 },
  RMSprop: { lr: 0.01, centered: true, momentum: 0.5 },
  Adagrad: { lr: 0.1, lrDecay: 0.01 },
};

/** An optimizer of `kind` over fresh parameters, stepped `steps` times with the specs' gradients. */
function stepped(
  kind: Kind,
  ss: ParamSpec[],
  steps: number,
  options = validOptions[kind],
): { opt: Opt; ps: ParameterLike[] } {
  const ps = ss.map(makeParam);
  const opt = optimizerKinds[kind].make(ps, options) as Opt;
  for (let k = 0; k < steps; k++) {
    ps.forEach((p, i) => {
      p.grad = tensor(ss[i]!.grads[k % 2]!, { dtype: ss[i]!.dtype });
    });
    opt.step();
  }
  return { opt, ps };
}

// ---- references ---------------------------------------------------------------------------------

const close = (a: number, b: number, tol = 1e-12) =>
  Object.is(a, b) || Math.abs(a - b) <= tol * (1 + Math.abs(b));

/** torch.optim.SGD (1.13), element by element, two steps. */
function sgdReference(o: Record<string, unknown>, s: ParamSpec, defaults: Record<string, number>): number[] {
  const lr = o.lr as number;
  const momentum = (o.momentum as number | undefined) ?? defaults.momentum!;
  const dampening = (o.dampening as number | undefined) ?? 0;
  const wd = (o.weightDecay as number | undefined) ?? 0;
  const nesterov = (o.nesterov as boolean | undefined) ?? false;
  const sign = o.maximize === true ? -1 : 1;
  return s.values.map((p0, i) => {
    let p = p0;
    let buf: number | undefined;
    for (const g of s.grads) {
      let d = sign * g[i]!;
      if (wd !== 0) d += wd * p;
      if (momentum !== 0) {
        buf = buf === undefined ? d : momentum * buf + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf : buf;
      }
      p -= lr * d;
    }
    return p;
  });
}

/** torch.optim.Adam / AdamW (1.13), element by element, two steps. */
function adamReference(o: Record<string, unknown>, s: ParamSpec, decoupled: boolean): number[] {
  const lr = (o.lr as number | undefined) ?? 1e-3;
  const [b1, b2] = (o.betas as [number, number] | undefined) ?? [0.9, 0.999];
  const eps = (o.eps as number | undefined) ?? 1e-8;
  const wd = (o.weightDecay as number | undefined) ?? (decoupled ? 1e-2 : 0);
  const amsgrad = o.amsgrad === true;
  const sign = o.maximize === true ? -1 : 1;
  return s.values.map((p0, i) => {
    let p = p0;
    let m = 0;
    let v = 0;
    let vMax = 0;
    s.grads.forEach((g, k) => {
      const t = k + 1;
      if (decoupled) p *= 1 - lr * wd;
      let d = sign * g[i]!;
      if (!decoupled && wd !== 0) d += wd * p;
      m = b1 * m + (1 - b1) * d;
      v = b2 * v + (1 - b2) * (d * d);
      vMax = Math.max(vMax, v);
      const second = amsgrad ? vMax : v;
      p -= (lr / (1 - b1 ** t)) * (m / (Math.sqrt(second) / Math.sqrt(1 - b2 ** t) + eps));
    });
    return p;
  });
}

// ---- cases --------------------------------------------------------------------------------------

const cases: FuzzCase[] = [];
const add = <A extends unknown[]>(
  name: string,
  args: fc.Arbitrary<A>,
  call: (...a: A) => unknown,
  check?: (result: unknown, args: A) => string | undefined,
) => cases.push({ name, args, call: call as FuzzCase['call'], check: check as FuzzCase['check'] });

for (const kind of kinds) {
  const { make, options } = optimizerKinds[kind];
  add(
    `new ${kind}`,
    fc.tuple(paramsArgArb, fc.oneof({ weight: 5, arbitrary: options }, { weight: 1, arbitrary: junk() })),
    (p, o) => make(buildParams(p), o),
  );

  // A step on freshly built parameters with random (valid or junk) hyperparameters; a gradient or
  // a group's lr is sometimes replaced by junk between construction and step, as a user might.
  add(
    `${kind}.step`,
    fc.tuple(
      specsArb,
      options,
      fc.constantFrom(
        'none',
        'none',
        'none',
        'none',
        'none',
        'none',
        'grad',
        'value',
        'lr',
        'arg',
        'closure',
      ),
      junk(),
    ),
    (ss, o, mutation, j) => {
      const ps = ss.map(makeParam);
      const opt = make(ps, o) as Opt;
      for (let k = 0; k < 2; k++) {
        ps.forEach((p, i) => {
          p.grad = tensor(ss[i]!.grads[k]!, { dtype: ss[i]!.dtype });
        });
        if (mutation === 'grad') (ps[0] as { grad: unknown }).grad = j;
        if (mutation === 'value') (ps[0] as { value: unknown }).value = j;
        if (mutation === 'lr') (opt.paramGroups[0] as { lr: unknown }).lr = j;
        if (mutation === 'closure') opt.step(() => 1);
        else if (mutation === 'arg') opt.step(j as never);
        else opt.step();
      }
      return ps.map((p) => Array.from(p.value.data as ArrayLike<number>));
    },
    (result, [ss, o, mutation]) => {
      if (mutation !== 'none' && mutation !== 'closure') return undefined;
      const opts = o as Record<string, unknown>;
      const got = result as number[][];
      for (const [i, s] of ss.entries()) {
        if (s.dtype !== 'float64') continue;
        let want: number[] | undefined;
        if (kind === 'SGD' || kind === 'Momentum') {
          want = sgdReference(opts, s, { momentum: kind === 'Momentum' ? 0.9 : 0 });
        } else if (kind === 'Adam' || kind === 'AdamW') want = adamReference(opts, s, kind === 'AdamW');
        if (want === undefined) continue;
        for (let k = 0; k < want.length; k++) {
          if (!close(got[i]![k]!, want[k]!))
            return `${kind} param ${i}[${k}]: got ${got[i]![k]}, the reference loop gives ${want[k]}`;
        }
      }
      return undefined;
    },
  );

  add(
    `${kind}.zeroGrad`,
    fc.tuple(
      specsArb,
      orJunk(fc.record({ setToNull: boolArb }, { requiredKeys: [] }), 2),
      fc.boolean(),
      junk(),
    ),
    (ss, o, junkGrad, j) => {
      const { opt, ps } = stepped(kind, ss, 1);
      ps.forEach((p, i) => {
        p.grad = tensor(ss[i]!.grads[0]!, { dtype: ss[i]!.dtype });
      });
      if (junkGrad) (ps[0] as { grad: unknown }).grad = j;
      opt.zeroGrad(o as never);
      return { ps, o };
    },
    (result) => {
      const { ps, o } = result as { ps: ParameterLike[]; o: { setToNull?: boolean } | undefined };
      const toNull = o?.setToNull ?? true;
      for (const p of ps) {
        // A junk gradient other than a tensor is left alone by zeroGrad({ setToNull: false })… or refused.
        const g = p.grad as Tensor | null | undefined;
        if (
          toNull
            ? g !== null
            : g instanceof Object && Array.from(g.data as ArrayLike<number>).some((x) => x !== 0)
        )
          return `zeroGrad(${JSON.stringify(o)}) left a gradient`;
      }
      return undefined;
    },
  );

  add(
    `${kind}.addParamGroup`,
    fc.tuple(
      specsArb,
      fc.oneof(
        {
          weight: 2,
          arbitrary: fc.tuple(specsArb, options).map(([ss, o]) => ({ ...o, params: ss.map(makeParam) })),
        },
        { weight: 1, arbitrary: junk().map((j) => ({ params: j })) },
        { weight: 1, arbitrary: junk() },
      ),
    ),
    (ss, group) => {
      const { opt } = stepped(kind, ss, 1);
      opt.addParamGroup(group as never);
      return opt.paramGroups.length;
    },
  );

  add(
    `${kind}.stateDict round trip`,
    fc.tuple(specsArb, fc.integer({ min: 0, max: 2 })),
    (ss, steps) => {
      const { opt } = stepped(kind, ss, steps);
      const sd = opt.stateDict();
      const fresh = optimizerKinds[kind].make(ss.map(makeParam), validOptions[kind]) as Opt;
      fresh.loadStateDict(JSON.parse(JSON.stringify(sd)));
      return [sd, fresh.stateDict()];
    },
    (result) => {
      const [a, b] = result as [OptimizerStateDict, OptimizerStateDict];
      return JSON.stringify(a) === JSON.stringify(b) ? undefined : 'the state dict changed in a round trip';
    },
  );

  // A state dict from stateDict() with one thing replaced by junk, or its values in binary form.
  const mutationArb = fc.constantFrom(
    'none',
    'none',
    'none',
    'binary:typed',
    'binary:tensor',
    'state',
    'paramGroups',
    'group',
    'group.params',
    'group.params[0]',
    'group.lr',
    'group.__proto__',
    'entry',
    'entry.step',
    'entry.__proto__',
    'entry.unknown',
    'state.NaN',
    'tensor',
    'tensor.dtype',
    'tensor.shape',
    'tensor.data',
    'tensor.data[0]',
    'binary:typed',
    'binary:tensor',
    'binary:whole',
  );
  add(
    `${kind}.loadStateDict`,
    fc.tuple(specsArb, mutationArb, junk(), fc.boolean()),
    (ss, mutation, j, replaceWhole) => {
      const { opt } = stepped(kind, ss, 2);
      const sd = opt.stateDict() as unknown as Record<string, Any>;
      const fresh = optimizerKinds[kind].make(ss.map(makeParam), validOptions[kind]) as Opt;
      const state = sd.state as Record<string, Record<string, Any>>;
      const group = (sd.paramGroups as Record<string, Any>[])[0]!;
      const entry = state[0];
      const tensorKey = entry === undefined ? undefined : Object.keys(entry).find((k) => k !== 'step');
      const st = tensorKey === undefined ? undefined : (entry![tensorKey] as Record<string, Any>);
      const setOwn = (o: Record<string, Any>, k: string) =>
        Object.defineProperty(o, k, { value: j, enumerable: true, writable: true, configurable: true });
      switch (mutation) {
        case 'state':
        case 'paramGroups':
          sd[mutation] = j;
          break;
        case 'group':
          (sd.paramGroups as Any[])[0] = j;
          break;
        case 'group.params':
          group.params = j;
          break;
        case 'group.params[0]':
          (group.params as Any[])[0] = j;
          break;
        case 'group.lr':
          group.lr = j;
          break;
        case 'group.__proto__':
          setOwn(group, '__proto__');
          break;
        case 'entry':
          if (entry !== undefined) state[0] = j as never;
          break;
        case 'entry.step':
          if (entry !== undefined) entry.step = j;
          break;
        case 'entry.__proto__':
          if (entry !== undefined) setOwn(entry, '__proto__');
          break;
        case 'entry.unknown':
          if (entry !== undefined) entry.unknown = j;
          break;
        case 'state.NaN':
          state.NaN = {};
          break;
        case 'tensor':
          if (tensorKey !== undefined) entry![tensorKey] = j;
          break;
        case 'tensor.dtype':
        case 'tensor.shape':
        case 'tensor.data':
          if (st !== undefined) st[mutation.slice(7)] = j;
          break;
        case 'tensor.data[0]':
          if (st !== undefined && (st.data as Any[]).length > 0) (st.data as Any[])[0] = j;
          break;
        default:
          if (mutation.startsWith('binary:')) {
            for (const values of Object.values(state)) {
              for (const [k, v] of Object.entries(values)) {
                if (typeof v === 'number') continue;
                const s = v as { dtype: 'float32' | 'float64'; shape: number[]; data: number[] };
                const t = tensor(s.data, { dtype: s.dtype, shape: s.shape });
                if (mutation === 'binary:typed') s.data = t.data as never;
                else if (mutation === 'binary:tensor' && !replaceWhole) s.data = t as never;
                else values[k] = t;
              }
            }
          }
      }
      fresh.loadStateDict(sd as never);
      return [opt.stateDict(), fresh.stateDict(), mutation];
    },
    (result) => {
      const [a, b, mutation] = result as [OptimizerStateDict, OptimizerStateDict, string];
      if (mutation !== 'none' && !mutation.startsWith('binary:')) return undefined;
      return JSON.stringify(a) === JSON.stringify(b)
        ? undefined
        : `loading (${mutation}) did not restore the state dict`;
    },
  );
}

// ---- schedulers ---------------------------------------------------------------------------------

const schedOpt = (kind: 'SGD' | 'Adam') =>
  (kind === 'SGD'
    ? new SGD([makeParam({ dtype: 'float64', values: [1, 2], grads: [] })], { lr: 0.1, momentum: 0.9 })
    : new Adam([makeParam({ dtype: 'float64', values: [1, 2], grads: [] })], { lr: 0.1 })) as Opt;
const optimizerArgArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<'SGD' | 'Adam'>('SGD', 'Adam') },
  { weight: 1, arbitrary: junk() },
);
const intArb = (min: number, max: number) => orJunk(fc.integer({ min, max }));
const factorArb = orJunk(fc.double({ min: 0.01, max: 1, noNaN: true }));

type MakeScheduler = (opt: Any, o: Any) => LRScheduler | ReduceLROnPlateau;
const schedulerKinds: [string, MakeScheduler, fc.Arbitrary<Any>][] = [
  [
    'StepLR',
    (opt, o) => new StepLR(opt as never, o as never),
    fc.record(
      { stepSize: intArb(1, 4), gamma: factorArb, lastEpoch: intArb(-1, -1) },
      { requiredKeys: ['stepSize'] },
    ),
  ],
  [
    'MultiStepLR',
    (opt, o) => new MultiStepLR(opt as never, o as never),
    fc.record(
      { milestones: orJunk(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 4 })), gamma: factorArb },
      { requiredKeys: ['milestones'] },
    ),
  ],
  ['ExponentialLR', (opt, o) => new ExponentialLR(opt as never, o as never), fc.record({ gamma: factorArb })],
  [
    'CosineAnnealingLR',
    (opt, o) => new CosineAnnealingLR(opt as never, o as never),
    fc.record(
      { tMax: intArb(1, 8), etaMin: orJunk(fc.double({ min: 0, max: 0.01, noNaN: true })) },
      { requiredKeys: ['tMax'] },
    ),
  ],
  [
    'LinearLR',
    (opt, o) => new LinearLR(opt as never, o as never),
    fc.record(
      { startFactor: factorArb, endFactor: factorArb, totalIters: intArb(1, 5) },
      { requiredKeys: [] },
    ),
  ],
  [
    'LambdaLR',
    (opt, o) => new LambdaLR(opt as never, o as never),
    fc.record({
      lrLambda: orJunk(
        fc.constantFrom(
          (e: number) => 0.9 ** e,
          (e: number) => 1 / (e + 1),
          () => 'x' as unknown as number,
        ),
      ),
    }),
  ],
  [
    'OneCycleLR',
    (opt, o) => new OneCycleLR(opt as never, o as never),
    fc.record(
      {
        maxLr: orJunk(fc.double({ min: 0.01, max: 1, noNaN: true })),
        totalSteps: intArb(1, 12),
        pctStart: orJunk(fc.double({ min: 0, max: 1, noNaN: true })),
        annealStrategy: orJunk(fc.constantFrom('cos', 'linear')),
        cycleMomentum: orJunk(boolArb),
        threePhase: orJunk(boolArb),
        divFactor: orJunk(fc.double({ min: 1, max: 50, noNaN: true })),
      },
      { requiredKeys: ['maxLr'] },
    ),
  ],
  [
    'ReduceLROnPlateau',
    (opt, o) => new ReduceLROnPlateau(opt as never, o as never),
    fc.record(
      {
        mode: orJunk(fc.constantFrom('min', 'max')),
        factor: orJunk(fc.double({ min: 0, max: 0.9, noNaN: true })),
        patience: intArb(0, 3),
        threshold: orJunk(fc.double({ min: 0, max: 0.1, noNaN: true })),
        thresholdMode: orJunk(fc.constantFrom('rel', 'abs')),
        cooldown: intArb(0, 2),
        minLr: orJunk(fc.double({ min: 0, max: 0.01, noNaN: true })),
      },
      { requiredKeys: [] },
    ),
  ],
  [
    'SequentialLR',
    (opt, o) => {
      const { milestones, first } = (o ?? {}) as { milestones?: Any; first?: Any };
      const real = opt as Opt;
      const schedulers =
        typeof opt === 'object' && opt !== null && 'paramGroups' in opt
          ? [new LinearLR(real, { totalIters: 2 }), new ExponentialLR(real, { gamma: 0.9 })]
          : [];
      return new SequentialLR(opt as never, {
        schedulers: (first === undefined ? schedulers : [first, ...schedulers]) as never,
        milestones: milestones as never,
      });
    },
    fc.record(
      {
        milestones: orJunk(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 1 })),
        first: orJunk(fc.constant(undefined), 4),
      },
      { requiredKeys: ['milestones'] },
    ),
  ],
];

for (const [name, make, options] of schedulerKinds) {
  const optimizerOf = (o: Any) => (o === 'SGD' || o === 'Adam' ? schedOpt(o) : o);
  add(`new ${name}`, fc.tuple(optimizerArgArb, orJunk(options, 6)), (o, opts) => make(optimizerOf(o), opts));
  add(
    `${name}.step`,
    fc.tuple(
      fc.constantFrom<'SGD' | 'Adam'>('SGD', 'Adam'),
      options,
      fc.array(orJunk(fc.constant(undefined), 3), { maxLength: 14 }),
    ),
    (o, opts, args) => {
      const s = make(optimizerOf(o), opts);
      for (const a of args) {
        if (s instanceof ReduceLROnPlateau) s.step((a === undefined ? 0.5 : a) as never);
        else s.step(a as never);
      }
      return s.getLastLr();
    },
  );
  add(
    `${name}.loadStateDict`,
    fc.tuple(
      fc.constantFrom<'SGD' | 'Adam'>('SGD', 'Adam'),
      options,
      fc.constantFrom('none', 'none', 'whole', 'key', 'key'),
      fc.constantFrom(
        'lastEpoch',
        'stepCount',
        'baseLrs',
        'lastLr',
        'gamma',
        'stepSize',
        'phases',
        'best',
        'mode',
        'milestones',
        'schedulers',
        '__proto__',
      ),
      junk(),
    ),
    (o, opts, how, key, j) => {
      const s = make(optimizerOf(o), opts);
      const sd = s.stateDict() as unknown as Record<string, Any>;
      if (how === 'key')
        Object.defineProperty(sd, key, { value: j, enumerable: true, writable: true, configurable: true });
      s.loadStateDict((how === 'whole' ? j : sd) as never);
      return [JSON.stringify(s.stateDict()), how];
    },
  );
}

// ---- clipping -----------------------------------------------------------------------------------

const gradsArb = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: sizeArb.chain((n) => valuesArb(n)) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  { minLength: 0, maxLength: 3 },
);
const clipParamsArb = fc.oneof(
  { weight: 5, arbitrary: gradsArb.map((gs) => ({ gs, junkAt: -1, j: undefined as Any })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(gradsArb, fc.integer({ min: -1, max: 3 }), junk())
      .map(([gs, junkAt, j]) => ({ gs, junkAt, j })),
  },
);
const clipParams = ({ gs, junkAt, j }: { gs: (number[] | null)[]; junkAt: number; j: Any }): Any => {
  if (junkAt === -1 && j !== undefined) return j;
  const ps: Any[] = gs.map((g) => ({
    value: tensor(g ?? [0], { dtype: 'float64' }),
    grad: g === null ? null : tensor(g, { dtype: 'float64' }),
  }));
  if (junkAt >= 0) ps[Math.min(junkAt, ps.length)] = j;
  return ps;
};
const gradsOf = (ps: Any) =>
  Array.isArray(ps)
    ? ps.map((p) => Array.from(((p as ParameterLike).grad?.data ?? []) as ArrayLike<number>))
    : [];

add(
  'clipGradNorm',
  fc.tuple(
    clipParamsArb,
    orJunk(fc.double({ min: 0, max: 3, noNaN: true })),
    orJunk(
      fc.record(
        {
          normType: orJunk(fc.constantFrom(1, 2, 3, 0.5, Number.POSITIVE_INFINITY)),
          errorIfNonfinite: orJunk(boolArb),
        },
        { requiredKeys: [] },
      ),
      3,
    ),
  ),
  (p, maxNorm, o) => {
    const ps = clipParams(p);
    const total = clipGradNorm(ps as never, maxNorm as never, o as never);
    return { total, after: gradsOf(ps) };
  },
  (result, [p, maxNorm, o]) => {
    if (p.j !== undefined || p.junkAt !== -1) return undefined;
    const { total, after } = result as { total: number; after: number[][] };
    const normType = (o as { normType?: number } | undefined)?.normType ?? 2;
    const flat = p.gs.flatMap((g) => g ?? []);
    const want =
      normType === Number.POSITIVE_INFINITY
        ? flat.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
        : flat.reduce((s, x) => s + Math.abs(x) ** normType, 0) ** (1 / normType);
    if (!close(total, want, 1e-9)) return `total norm ${total}, the reference gives ${want}`;
    const coefficient = Math.min(1, (maxNorm as number) / (want + 1e-6));
    for (const [i, g] of p.gs.entries()) {
      for (const [k, x] of (g ?? []).entries()) {
        if (!close(after[i]![k]!, x * coefficient, 1e-9))
          return `grad ${i}[${k}] = ${after[i]![k]}, the reference gives ${x * coefficient}`;
      }
    }
    return undefined;
  },
);
add(
  'clipGradValue',
  fc.tuple(clipParamsArb, orJunk(fc.double({ min: 0, max: 2, noNaN: true }))),
  (p, clipValue) => {
    const ps = clipParams(p);
    clipGradValue(ps as never, clipValue as never);
    return gradsOf(ps);
  },
  (result, [p, clipValue]) => {
    if (p.j !== undefined || p.junkAt !== -1) return undefined;
    const after = result as number[][];
    const c = clipValue as number;
    for (const [i, g] of p.gs.entries()) {
      for (const [k, x] of (g ?? []).entries()) {
        let want = x;
        if (x > c) want = c;
        else if (x < -c) want = -c;
        if (after[i]![k]! !== want) return `grad ${i}[${k}] = ${after[i]![k]}, expected ${want}`;
      }
    }
    return undefined;
  },
);

it('fuzz: every public function of @mtl/optim gives a result or a typed error', () => {
  const report = fuzz(cases, { runs: 40, seed: 14, isTyped: (e) => e instanceof MtlError, slowMs: 1500 });
  console.log(formatFuzzReport('@mtl/optim', report));
  expect(report.calls).toBeGreaterThanOrEqual(1500);
  expect(report.genericErrors + report.slow + report.wrong, formatDefects(report)).toBe(0);
});
