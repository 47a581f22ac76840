import { Variable, variable } from '@mtl/autograd';
import {
  erf,
  Generator,
  LINEAR_ACTIVATIONS,
  type LinearActivation,
  MtlError,
  type Tensor,
  tensor,
} from '@mtl/tensor';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type FuzzCase, formatDefects, formatFuzzReport, fuzz, junk } from '../../../tools/testing/fuzz';
import * as nn from '../src/index';
import { init, type Module } from '../src/index';

/*
 * Random, mostly invalid, arguments for every public layer, Module method, loss, functional form
 * and initialiser of @mtl/nn (safetensors has its own malformed-file suite): each call must end
 * in a result or a typed error (an MtlError), never a generic TypeError/RangeError, a hang or a
 * giant allocation; valid float64 inputs are compared with straightforward loops.
 */

type Fn = (...args: unknown[]) => unknown;
const api = nn as unknown as Record<string, Fn>;
const ctor = (name: string) => api[name] as unknown as new (...args: unknown[]) => Module;

// ---- arbitraries ----------------------------------------------------------------------------

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const valuesArb = (n: number, min = -2, max = 2) =>
  fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
const tensorArb = (shape: readonly number[], dtype: 'float32' | 'float64' = 'float64', min = -2, max = 2) =>
  valuesArb(sizeOf(shape), min, max).map((v) => tensor(v, { shape: [...shape], dtype }));
const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 });
const floatTensorArb = fc
  .tuple(shapeArb, fc.constantFrom<'float32' | 'float64'>('float64', 'float32'))
  .chain(([s, d]) => tensorArb(s, d));
const asVariable = (t: Tensor) => fc.boolean().map((rg) => new Variable(t, { requiresGrad: rg }));
const orJunk = <T>(a: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ weight, arbitrary: a as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk() });
const inputArb = fc.oneof(
  { weight: 3, arbitrary: floatTensorArb.chain(asVariable) },
  { weight: 1, arbitrary: floatTensorArb },
  { weight: 2, arbitrary: junk() },
);
const sizeArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
  { weight: 1, arbitrary: junk() },
);
const dtypeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(undefined, 'float32', 'float64') },
  { weight: 1, arbitrary: fc.constantFrom('int32', 'bool', 'float16') },
  { weight: 1, arbitrary: junk() },
);
const generatorArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 99 }).map((s) => new Generator(s)) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: junk() },
);
const reductionArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('mean', 'sum', 'none') },
  { weight: 1, arbitrary: fc.constantFrom('batchmean', 'avg', undefined) },
  { weight: 1, arbitrary: junk() },
);

// ---- references -------------------------------------------------------------------------------

const tensorIn = (x: unknown): Tensor | undefined =>
  x instanceof Variable ? x.value : (x as Tensor)?.constructor?.name === 'Tensor' ? (x as Tensor) : undefined;

function compare(result: unknown, expected: ArrayLike<number>, tol = 1e-9): string | undefined {
  const t = tensorIn(result);
  if (t === undefined) return `expected a Variable, got ${String(result)}`;
  if (t.size !== expected.length) return `size ${t.size}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(t.data[i]);
    const e = expected[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : Math.abs(a - e) > tol * (1 + Math.abs(e)))
      return `element ${i}: ${a}, expected ${e}`;
  }
  return undefined;
}

/** Per-element reference losses on float64 values, reduced as `reduction` says. */
function reduced(values: number[], reduction: unknown): number[] | undefined {
  if (reduction === 'none') return values;
  const total = values.reduce((s, v) => s + v, 0);
  if (reduction === 'sum') return [total];
  if (reduction === 'mean' || reduction === undefined) return [total / values.length];
  return undefined;
}

const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const elementwiseLosses: Record<string, (x: number, y: number, o: Record<string, number>) => number> = {
  mseLoss: (x, y) => (x - y) ** 2,
  l1Loss: (x, y) => Math.abs(x - y),
  smoothL1Loss: (x, y, { beta = 1 }) => {
    const z = Math.abs(x - y);
    return beta === 0 ? z : z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
  },
  huberLoss: (x, y, { delta = 1 }) => {
    const z = Math.abs(x - y);
    return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
  },
  bceWithLogits: (x, y) => (1 - y) * x + softplus(-x),
  binaryCrossEntropy: (x, y) => -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log1p(-x), -100)),
  klDiv: (x, y, { logTarget }) =>
    (logTarget as unknown) === true ? Math.exp(y) * (y - x) : y === 0 ? 0 : y * (Math.log(y) - x),
};

// ---- cases ------------------------------------------------------------------------------------

const cases: FuzzCase[] = [];
const add = (name: string, args: fc.Arbitrary<unknown[]>, call: Fn, check?: FuzzCase['check']) => {
  cases.push({ name, args, call, check });
};

// Layer constructors.
add(
  'new Linear',
  fc.tuple(
    sizeArb,
    sizeArb,
    orJunk(
      fc.record(
        {
          bias: fc.boolean(),
          activation: orJunk(fc.constantFrom(...LINEAR_ACTIVATIONS)),
          dtype: dtypeArb,
          generator: generatorArb,
        },
        { requiredKeys: [] },
      ),
    ),
  ),
  (i, o, opts) => new nn.Linear(i as number, o as number, opts as never),
);
add(
  'new Embedding',
  fc.tuple(
    sizeArb,
    sizeArb,
    orJunk(fc.record({ dtype: dtypeArb, generator: generatorArb }, { requiredKeys: [] })),
  ),
  (n, d, opts) => new nn.Embedding(n as number, d as number, opts as never),
);
add(
  'new LayerNorm',
  fc.tuple(
    fc.oneof(sizeArb, fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 })),
    orJunk(
      fc.record(
        { eps: fc.oneof(fc.constant(1e-5), junk()), elementwiseAffine: fc.boolean(), dtype: dtypeArb },
        { requiredKeys: [] },
      ),
    ),
  ),
  (s, opts) => new nn.LayerNorm(s as number, opts as never),
);
add(
  'new BatchNorm1d',
  fc.tuple(
    sizeArb,
    orJunk(
      fc.record(
        {
          eps: fc.oneof(fc.constant(1e-5), junk()),
          momentum: fc.oneof(fc.constant(0.1), junk()),
          affine: fc.boolean(),
          trackRunningStats: fc.boolean(),
          dtype: dtypeArb,
        },
        { requiredKeys: [] },
      ),
    ),
  ),
  (n, opts) => new nn.BatchNorm1d(n as number, opts as never),
);
add(
  'new Dropout',
  fc.tuple(orJunk(fc.double({ min: 0, max: 1 })), orJunk(fc.record({ generator: generatorArb }))),
  (p, o) => new nn.Dropout(p as number, o as never),
);
add('new LeakyReLU', fc.tuple(orJunk(fc.double({ min: -1, max: 1 }))), (s) => new nn.LeakyReLU(s as number));
add('new ELU', fc.tuple(orJunk(fc.double({ min: 0, max: 2 }))), (a) => new nn.ELU(a as number));
add(
  'new GELU',
  fc.tuple(orJunk(fc.record({ approximate: fc.constantFrom('none', 'tanh', 'erf') }))),
  (o) => new nn.GELU(o as never),
);
add(
  'new Softplus',
  fc.tuple(
    orJunk(
      fc.record({ beta: fc.double({ min: 0.5, max: 2 }), threshold: fc.constant(20) }, { requiredKeys: [] }),
    ),
  ),
  (o) => new nn.Softplus(o as never),
);
for (const name of ['ReLU', 'SiLU', 'Tanh', 'Sigmoid', 'Identity'])
  add(`new ${name}`, fc.tuple(), () => new (ctor(name))());
const moduleArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
      .map(([i, o]) => new nn.Linear(i, o) as Module),
  },
  { weight: 1, arbitrary: fc.constantFrom<Module>(new nn.ReLU(), new nn.Tanh()) },
  { weight: 1, arbitrary: junk() },
);
add(
  'new Sequential',
  fc.array(moduleArb, { maxLength: 3 }),
  (...ms) => new nn.Sequential(...(ms as never[])),
);
add(
  'new ModuleList',
  fc.tuple(orJunk(fc.array(moduleArb, { maxLength: 3 }))),
  (ms) => new nn.ModuleList(ms as never),
);
add(
  'new ModuleDict',
  fc.tuple(
    orJunk(fc.dictionary(fc.constantFrom('a', 'b', '', 'c.d', '__proto__'), moduleArb, { maxKeys: 3 })),
  ),
  (ms) => new nn.ModuleDict(ms as never),
);
add(
  'new Buffer',
  fc.tuple(orJunk(floatTensorArb), orJunk(fc.record({ name: fc.string({ maxLength: 3 }) }))),
  (t, o) => new nn.Buffer(t as never, o as never),
);

const sigmoidRef = (v: number) => 1 / (1 + Math.exp(-v));
/** What Linear's `activation` applies, by loops (gelu through the erf op, the one reference erf). */
const activationRefs: Record<LinearActivation, (v: number) => number> = {
  none: (v) => v,
  relu: (v) => Math.max(v, 0),
  gelu: (v) => 0.5 * v * (1 + erf(tensor([v * Math.SQRT1_2], { dtype: 'float64' })).data[0]!),
  silu: (v) => v * sigmoidRef(v),
  tanh: Math.tanh,
  sigmoid: sigmoidRef,
};

// Forwards: a valid layer, an input that fits it, or not.
const linearForwardArb = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.boolean(),
    fc.constantFrom(...LINEAR_ACTIVATIONS),
  )
  .chain(([n, i, o, bias, activation]) =>
    fc.tuple(
      fc.constant(
        new nn.Linear(i, o, {
          bias,
          activation,
          dtype: 'float64',
          generator: new Generator(n + i * 7 + o * 49),
        }),
      ),
      fc.oneof(
        { weight: 3, arbitrary: tensorArb([n, i]).chain(asVariable) },
        { weight: 1, arbitrary: inputArb },
      ),
    ),
  );
add(
  'Linear.forward',
  linearForwardArb,
  (layer, x) => (layer as nn.Linear).forward(x as never),
  (result, [layer, x]) => {
    const l = layer as nn.Linear;
    const xt = tensorIn(x);
    if (xt?.rank !== 2 || xt.dtype !== 'float64') return undefined;
    const [n, i] = xt.shape as [number, number];
    const o = l.outFeatures;
    const ref: number[] = [];
    for (let r = 0; r < n; r++)
      for (let c = 0; c < o; c++) {
        let s = l.bias ? l.bias.value.data[c]! : 0;
        for (let p = 0; p < i; p++) s += xt.data[r * i + p]! * l.weight.value.data[c * i + p]!;
        ref.push(activationRefs[l.activation](s));
      }
    return compare(result, ref);
  },
);
add(
  'Sequential.forward',
  linearForwardArb,
  (layer, x) => {
    const l = layer as nn.Linear;
    return new nn.Sequential(l, new nn.ReLU(), new nn.Identity()).forward(x as never);
  },
  (result, [layer, x]) => {
    const xt = tensorIn(x);
    if (xt?.rank !== 2 || xt.dtype !== 'float64') return undefined;
    const plain = (layer as nn.Linear).forward(xt).value.data as Float64Array;
    return compare(
      result,
      Array.from(plain, (v) => Math.max(v, 0)),
    );
  },
);
add(
  'Sequential(Identity…).forward',
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.oneof(inputArb, fc.double())),
  (n, x) =>
    new nn.Sequential(...Array.from({ length: n as number }, () => new nn.Identity())).forward(x as never),
  (result, [, x]) => {
    const xt = tensorIn(x);
    // A number comes back as a float32 scalar (the default dtype).
    if (typeof x === 'number')
      return Object.is((result as Variable).item(), Math.fround(x)) ? undefined : 'changed';
    return xt && (result as Variable).value !== xt ? 'not the input' : undefined;
  },
);
const activations = [
  'ReLU',
  'SiLU',
  'Tanh',
  'Sigmoid',
  'Identity',
  'LeakyReLU',
  'ELU',
  'GELU',
  'Softplus',
  'Dropout',
];
add(
  'activation forward',
  fc.tuple(fc.constantFrom(...activations), inputArb, fc.boolean()),
  (name, x, training) => {
    const m = new (ctor(name as string))();
    return m.train(training as boolean).forward(x);
  },
);
add(
  'Embedding.forward',
  fc.tuple(
    fc.oneof(
      fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }).map((v) => tensor(v, { dtype: 'int32' })),
      floatTensorArb,
      junk(),
    ),
  ),
  (idx) => new nn.Embedding(4, 2, { generator: new Generator(1) }).forward(idx as never),
);
add(
  'LayerNorm.forward',
  fc.tuple(
    fc
      .integer({ min: 1, max: 4 })
      .chain((d) => fc.tuple(fc.constant(d), fc.oneof(tensorArb([2, d]), inputArb))),
  ),
  (pair) => {
    const [d, x] = pair as [number, unknown];
    return new nn.LayerNorm(d, { dtype: 'float64' }).forward(x as never);
  },
  (result, [pair]) => {
    const [d, x] = pair as [number, unknown];
    const xt = tensorIn(x);
    if (xt?.dtype !== 'float64' || xt.shape[xt.rank - 1] !== d) return undefined;
    const ref: number[] = [];
    for (let r = 0; r < xt.size / d; r++) {
      const row = Array.from(xt.data.subarray(r * d, r * d + d) as Float64Array);
      const m = row.reduce((s, v) => s + v, 0) / d;
      const v = row.reduce((s, x) => s + (x - m) ** 2, 0) / d;
      for (const x of row) ref.push((x - m) / Math.sqrt(v + 1e-5));
    }
    return compare(result, ref, 1e-7);
  },
);
add(
  'BatchNorm1d.forward',
  fc.tuple(fc.oneof(tensorArb([3, 2]), tensorArb([1, 2]), inputArb), fc.boolean()),
  (x, training) => new nn.BatchNorm1d(2, { dtype: 'float64' }).train(training as boolean).forward(x as never),
);

// The convolutional layers: constructors with sizes, pairs and junk; forwards of valid layers on
// inputs of every rank (most of them the wrong one for the layer).
const spatialSizeArb = orJunk(
  fc.oneof(
    fc.integer({ min: 0, max: 4 }),
    fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 1, maxLength: 3 }),
  ),
);
const optionsArb = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  orJunk(fc.record(fields, { requiredKeys: [] }));
for (const name of ['Conv1d', 'Conv2d']) {
  add(
    `new ${name}`,
    fc.tuple(
      sizeArb,
      sizeArb,
      spatialSizeArb,
      optionsArb({
        stride: spatialSizeArb,
        padding: fc.oneof(spatialSizeArb, fc.constantFrom('same', 'valid', 'full')),
        dilation: spatialSizeArb,
        groups: orJunk(fc.integer({ min: 0, max: 3 })),
        bias: fc.boolean(),
        dtype: dtypeArb,
        generator: generatorArb,
      }),
    ),
    (i, o, k, opts) => new (ctor(name))(i, o, k, opts),
  );
}
for (const name of ['MaxPool1d', 'MaxPool2d']) {
  add(
    `new ${name}`,
    fc.tuple(
      spatialSizeArb,
      optionsArb({
        stride: spatialSizeArb,
        padding: spatialSizeArb,
        dilation: spatialSizeArb,
        ceilMode: orJunk(fc.boolean()),
        returnIndices: orJunk(fc.boolean()),
      }),
    ),
    (k, opts) => new (ctor(name))(k, opts),
  );
}
for (const name of ['AvgPool1d', 'AvgPool2d']) {
  add(
    `new ${name}`,
    fc.tuple(
      spatialSizeArb,
      optionsArb({
        stride: spatialSizeArb,
        padding: spatialSizeArb,
        ceilMode: orJunk(fc.boolean()),
        countIncludePad: orJunk(fc.boolean()),
        divisorOverride: orJunk(fc.integer({ min: 0, max: 3 })),
      }),
    ),
    (k, opts) => new (ctor(name))(k, opts),
  );
}
add(
  'new AdaptiveAvgPool2d',
  fc.tuple(
    orJunk(
      fc.oneof(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 3 })), {
          minLength: 1,
          maxLength: 3,
        }),
      ),
    ),
  ),
  (size) => new nn.AdaptiveAvgPool2d(size as never),
);
add(
  'new BatchNorm2d',
  fc.tuple(
    sizeArb,
    optionsArb({
      eps: fc.oneof(fc.constant(1e-5), junk()),
      momentum: fc.oneof(fc.constant(0.1), junk()),
      affine: fc.boolean(),
      trackRunningStats: fc.boolean(),
      dtype: dtypeArb,
    }),
  ),
  (n, opts) => new nn.BatchNorm2d(n as number, opts as never),
);
add(
  'new GroupNorm',
  fc.tuple(
    sizeArb,
    sizeArb,
    optionsArb({ eps: fc.oneof(fc.constant(1e-5), junk()), affine: orJunk(fc.boolean()), dtype: dtypeArb }),
  ),
  (g, c, opts) => new nn.GroupNorm(g as number, c as number, opts as never),
);
add(
  'new Flatten',
  fc.tuple(orJunk(fc.integer({ min: -4, max: 4 })), orJunk(fc.integer({ min: -4, max: 4 }))),
  (a, b) => new nn.Flatten(a as number, b as number),
);
add(
  'new Dropout2d',
  fc.tuple(orJunk(fc.double({ min: 0, max: 1 })), orJunk(fc.record({ generator: generatorArb }))),
  (p, o) => new nn.Dropout2d(p as number, o as never),
);
add(
  'new Upsample',
  fc.tuple(
    optionsArb({
      size: orJunk(
        fc.oneof(fc.integer({ min: 0, max: 4 }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 })),
      ),
      scaleFactor: orJunk(
        fc.oneof(fc.double({ min: 0, max: 3 }), fc.array(fc.double({ min: 0, max: 3 }), { maxLength: 3 })),
      ),
      mode: orJunk(fc.constantFrom('nearest', 'linear', 'bilinear', 'bicubic')),
      alignCorners: orJunk(fc.boolean()),
    }),
  ),
  (o) => new nn.Upsample(o as never),
);
const imageArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
      .chain((shape) => tensorArb(shape))
      .chain(asVariable),
  },
  { weight: 1, arbitrary: inputArb },
);
const spatialLayers: Record<string, () => Module & { forward(x: never): unknown }> = {
  Conv1d: () => new nn.Conv1d(2, 2, 2, { padding: 'same', dtype: 'float64', generator: new Generator(1) }),
  Conv2d: () =>
    new nn.Conv2d(2, 4, 2, { groups: 2, padding: 1, dtype: 'float64', generator: new Generator(2) }),
  MaxPool1d: () => new nn.MaxPool1d(2, { ceilMode: true }),
  MaxPool2d: () => new nn.MaxPool2d(2, { padding: 1, returnIndices: true }),
  AvgPool1d: () => new nn.AvgPool1d(3, { stride: 1, padding: 1 }),
  AvgPool2d: () => new nn.AvgPool2d(2, { padding: 1, countIncludePad: false, divisorOverride: 3 }),
  AdaptiveAvgPool2d: () => new nn.AdaptiveAvgPool2d([2, null]),
  BatchNorm2d: () => new nn.BatchNorm2d(2, { dtype: 'float64' }),
  GroupNorm: () => new nn.GroupNorm(2, 2, { dtype: 'float64' }),
  Flatten: () => new nn.Flatten(),
  Dropout2d: () => new nn.Dropout2d(0.5, { generator: new Generator(3) }),
  'Upsample nearest': () => new nn.Upsample({ scaleFactor: 1.5 }),
  'Upsample bilinear': () => new nn.Upsample({ size: [3, 2], mode: 'bilinear', alignCorners: true }),
  'Upsample linear': () => new nn.Upsample({ scaleFactor: 2, mode: 'linear' }),
};
add(
  'spatial layer forward',
  fc.tuple(fc.constantFrom(...Object.keys(spatialLayers)), imageArb, fc.boolean()),
  (name, x, training) =>
    spatialLayers[name as string]!()
      .train(training as boolean)
      .forward(x as never),
);
add(
  'groupNorm',
  fc.tuple(imageArb, orJunk(fc.integer({ min: 0, max: 3 })), optionsArb({ eps: orJunk(fc.constant(1e-5)) })),
  (x, g, o) => nn.groupNorm(x as never, g as number, o as never),
  (result, [x, g, o]) => {
    const xt = tensorIn(x);
    if (xt?.dtype !== 'float64' || typeof g !== 'number') return undefined;
    const eps = (o as { eps?: number } | undefined)?.eps ?? 1e-5;
    // Each (sample, group) is a contiguous run of the row-major data.
    const run = xt.size / (xt.shape[0]! * g);
    const ref: number[] = [];
    for (let start = 0; start < xt.size; start += run) {
      const values = Array.from(xt.data.subarray(start, start + run) as Float64Array);
      const m = values.reduce((a, v) => a + v, 0) / run;
      const v = values.reduce((a, x) => a + (x - m) ** 2, 0) / run;
      for (const x of values) ref.push((x - m) / Math.sqrt(v + eps));
    }
    return compare(result, ref, 1e-7);
  },
);
add(
  'dropout2d',
  fc.tuple(
    imageArb,
    optionsArb({ p: orJunk(fc.double({ min: 0, max: 1 })), training: orJunk(fc.boolean()) }),
  ),
  (x, o) => nn.dropout2d(x as never, o as never),
);

// Module methods, on a small model.
const model = () =>
  new nn.Sequential(
    new nn.Linear(2, 3, { generator: new Generator(3) }),
    new nn.ReLU(),
    new nn.BatchNorm1d(3),
    new nn.Linear(3, 1),
  );
const methodArgsArb = fc.oneof(
  fc.tuple(fc.constant('train'), orJunk(fc.boolean())),
  fc.tuple(fc.constant('eval')),
  fc.tuple(fc.constant('zeroGrad')),
  fc.tuple(fc.constant('numParameters')),
  fc.tuple(fc.constant('parameters')),
  fc.tuple(fc.constant('stateDict')),
  fc.tuple(fc.constant('to'), orJunk(fc.constantFrom('float32', 'float64', 'float16', 'int32', 'bool'))),
  fc.tuple(fc.constant('namedModules'), orJunk(fc.constantFrom('', 'm')), orJunk(fc.constant(undefined))),
  fc.tuple(fc.constant('namedParameters')),
  fc.tuple(fc.constant('modules')),
  fc.tuple(fc.constant('at'), orJunk(fc.integer({ min: -5, max: 5 }))),
  fc.tuple(fc.constant('push'), moduleArb),
);
add('Module methods', methodArgsArb, (method, ...args) => {
  const m = model() as unknown as Record<string, Fn>;
  const out = m[method as string]!(...args);
  // Generators do their work (and their checks) when iterated.
  return out !== null && typeof out === 'object' && Symbol.iterator in out
    ? [...(out as Iterable<unknown>)]
    : out;
});
add(
  'ModuleDict methods',
  fc.tuple(fc.constantFrom('get', 'has', 'keys'), orJunk(fc.constantFrom('a', 'b', 'zz'))),
  (method, key) => {
    const d = new nn.ModuleDict({ a: new nn.ReLU(), b: new nn.Tanh() }) as unknown as Record<string, Fn>;
    return d[method as string]!(key);
  },
);
/** A state dict for `model()`: its own (cloned), with one entry damaged, or junk. */
const stateDictArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant('own') },
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constantFrom(
        '0.weight',
        '0.bias',
        '2.running_mean',
        '3.weight',
        'extra',
        '__proto__',
        'constructor',
      ),
      fc.oneof(junk(), floatTensorArb, fc.constant([1, 2, 3])),
    ),
  },
  { weight: 1, arbitrary: junk() },
);
add(
  'loadStateDict',
  fc.tuple(stateDictArb, orJunk(fc.record({ strict: fc.boolean() }))),
  (spec, options) => {
    const source = model();
    const target = model();
    let sd: unknown = Object.fromEntries(Object.entries(source.stateDict()).map(([k, v]) => [k, v.clone()]));
    if (Array.isArray(spec)) {
      Object.defineProperty(sd, spec[0] as string, {
        value: spec[1],
        enumerable: true,
        configurable: true,
        writable: true,
      });
    } else if (spec !== 'own') {
      sd = spec;
    }
    target.loadStateDict(sd as never, options as never);
    return { source, target, spec };
  },
  (result) => {
    const { source, target, spec } = result as { source: Module; target: Module; spec: unknown };
    if (spec !== 'own') return undefined;
    const a = source.stateDict();
    const b = target.stateDict();
    for (const [k, v] of Object.entries(a)) {
      if (compare(b[k], Array.from(v.data as ArrayLike<number>, Number), 0) !== undefined)
        return `${k} differs after loading`;
    }
    return undefined;
  },
);

// Losses.
const lossPairArb = (min: number, max: number, targetMin: number, targetMax: number) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: shapeArb.chain((s) =>
        fc.tuple(
          tensorArb(s, 'float64', min, max).chain(asVariable),
          tensorArb(s, 'float64', targetMin, targetMax),
        ),
      ),
    },
    { weight: 2, arbitrary: fc.tuple(inputArb, inputArb) },
  );
const lossOptions: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  smoothL1Loss: fc.record(
    { beta: fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), junk()) },
    { requiredKeys: [] },
  ),
  huberLoss: fc.record(
    { delta: fc.oneof(fc.double({ min: 0.1, max: 2, noNaN: true }), junk()) },
    { requiredKeys: [] },
  ),
  klDiv: fc.record({ logTarget: fc.oneof(fc.constant(false), junk()) }, { requiredKeys: [] }),
  bceWithLogits: fc.record(
    { weight: fc.oneof(fc.constant(undefined), junk(), floatTensorArb) },
    { requiredKeys: [] },
  ),
  binaryCrossEntropy: fc.record({ weight: fc.oneof(fc.constant(undefined), junk()) }, { requiredKeys: [] }),
};
for (const [name, ref] of Object.entries(elementwiseLosses)) {
  const [min, max, tmin, tmax] =
    name === 'binaryCrossEntropy'
      ? [0.01, 0.99, 0, 1]
      : name === 'bceWithLogits'
        ? [-3, 3, 0, 1]
        : name === 'klDiv'
          ? [-3, 0, 0, 1]
          : [-2, 2, -2, 2];
  add(
    name,
    fc.tuple(
      lossPairArb(min, max, tmin, tmax),
      orJunk(
        fc
          .tuple(reductionArb, lossOptions[name] ?? fc.constant({}))
          .map(([reduction, o]) => ({ ...o, reduction })),
      ),
    ),
    (pair, options) => api[name]!((pair as unknown[])[0], (pair as unknown[])[1], options),
    (result, [pair, options]) => {
      const [x, y] = (pair as unknown[]).map(tensorIn);
      if (!x || !y || x.dtype !== 'float64' || y.dtype !== 'float64') return undefined;
      const o = (options ?? {}) as Record<string, unknown>;
      if (o.weight !== undefined) return undefined;
      const values = Array.from(x.data as Float64Array, (v, i) =>
        ref(v, y.data[i]!, o as Record<string, number>),
      );
      const expected =
        o.reduction === 'batchmean'
          ? [values.reduce((s, v) => s + v, 0) / (x.rank === 0 ? 1 : x.shape[0]!)]
          : reduced(values, o.reduction);
      return expected ? compare(result, expected, 1e-8) : undefined;
    },
  );
}
/** Logits [N, C] with int32 class indices (some out of range, some ignored), or junk. */
const classArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([n, c]) =>
      fc.tuple(
        tensorArb([n, c]).chain(asVariable),
        fc
          .array(
            fc.oneof(
              { weight: 8, arbitrary: fc.integer({ min: 0, max: c - 1 }) },
              { weight: 1, arbitrary: fc.constantFrom(-100, c, -1) },
            ),
            {
              minLength: n,
              maxLength: n,
            },
          )
          .map((v) => tensor(v, { dtype: 'int32' })),
      ),
    ),
  },
  { weight: 2, arbitrary: fc.tuple(inputArb, fc.oneof(inputArb, floatTensorArb)) },
);
for (const name of ['crossEntropy', 'nllLoss']) {
  add(
    name,
    fc.tuple(
      classArb,
      orJunk(
        fc.record(
          {
            reduction: reductionArb,
            ignoreIndex: fc.oneof(fc.constant(-100), junk()),
            ...(name === 'crossEntropy' ? { labelSmoothing: fc.oneof(fc.constant(0), junk()) } : {}),
            weight: fc.oneof(fc.constant(undefined), junk()),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    (pair, options) => api[name]!((pair as unknown[])[0], (pair as unknown[])[1], options),
    (result, [pair, options]) => {
      const [x, y] = (pair as unknown[]).map(tensorIn);
      const o = (options ?? {}) as Record<string, unknown>;
      if (!x || !y || x.rank !== 2 || y.dtype !== 'int32' || o.weight !== undefined || o.labelSmoothing)
        return undefined;
      const [n, c] = x.shape as [number, number];
      const losses: number[] = [];
      let kept = 0;
      for (let r = 0; r < n; r++) {
        const row = Array.from(x.data.subarray(r * c, r * c + c) as Float64Array);
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        const t = y.data[r]!;
        if (t === (o.ignoreIndex ?? -100)) {
          losses.push(0);
          continue;
        }
        kept++;
        losses.push(name === 'crossEntropy' ? lse - row[t]! : -row[t]!);
      }
      const total = losses.reduce((s, v) => s + v, 0);
      const r = o.reduction ?? 'mean';
      const expected = r === 'none' ? losses : r === 'sum' ? [total] : [total / kept];
      return compare(result, expected, 1e-8);
    },
  );
}
add(
  'cosineSimilarity',
  fc.tuple(
    lossPairArb(-2, 2, -2, 2),
    orJunk(
      fc.record(
        { dim: fc.oneof(fc.integer({ min: -2, max: 2 }), junk()), eps: fc.constant(1e-8) },
        { requiredKeys: [] },
      ),
    ),
  ),
  (pair, options) =>
    nn.cosineSimilarity((pair as [never, never])[0], (pair as [never, never])[1], options as never),
);

// Functional forms.
add(
  'layerNorm',
  fc.tuple(
    inputArb,
    fc.oneof(sizeArb, fc.array(sizeArb, { maxLength: 2 })),
    orJunk(
      fc.record(
        { eps: fc.oneof(fc.constant(1e-5), junk()), weight: fc.oneof(fc.constant(undefined), junk()) },
        { requiredKeys: [] },
      ),
    ),
  ),
  (x, s, o) => nn.layerNorm(x as never, s as never, o as never),
);
add(
  'batchNorm',
  fc.tuple(
    fc.oneof(tensorArb([3, 2]), inputArb),
    fc.oneof(tensorArb([2]), fc.constant(null), junk()),
    fc.oneof(tensorArb([2], 'float64', 0.5, 2), fc.constant(null), junk()),
    orJunk(
      fc.record(
        {
          training: fc.oneof(fc.boolean(), junk()),
          momentum: fc.oneof(fc.constant(0.1), junk()),
          eps: fc.constant(1e-5),
        },
        { requiredKeys: [] },
      ),
    ),
  ),
  (x, m, v, o) => nn.batchNorm(x as never, m as never, v as never, o as never),
);
add(
  'dropout',
  fc.tuple(
    inputArb,
    orJunk(
      fc.record(
        {
          p: fc.oneof(fc.double({ min: 0, max: 1 }), junk()),
          training: fc.boolean(),
          generator: generatorArb,
        },
        { requiredKeys: [] },
      ),
    ),
  ),
  (x, o) => nn.dropout(x as never, o as never),
  (result, [x, o]) => {
    const xt = tensorIn(x);
    const { p = 0.5, training = true } = (o ?? {}) as { p?: number; training?: boolean };
    if (!xt || typeof p !== 'number' || xt.dtype !== 'float64') return undefined;
    const out = tensorIn(result)!.data as Float64Array;
    for (let i = 0; i < out.length; i++) {
      const v = xt.data[i] as number;
      const ok =
        !training || p === 0
          ? out[i] === v
          : out[i] === 0 || Math.abs(out[i]! - v / (1 - p)) <= 1e-12 * (1 + Math.abs(v / (1 - p)));
      if (!ok) return `element ${i}: ${out[i]} from ${v} with p=${p}`;
    }
    return undefined;
  },
);

// Initialisers: a fresh float tensor (or junk) and random options.
const initTensorArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 })
      .map((s) => tensor(new Float64Array(sizeOf(s)), { shape: s })),
  },
  { weight: 1, arbitrary: fc.constant(tensor([1, 2], { dtype: 'int32' })) },
  { weight: 1, arbitrary: junk() },
);
const initOptionsArb = orJunk(
  fc.record(
    {
      generator: generatorArb,
      gain: fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), junk()),
      low: fc.constant(-1),
      high: fc.oneof(fc.constant(1), junk()),
      std: fc.oneof(fc.constant(0.5), junk()),
      a: fc.oneof(fc.constant(0), junk()),
      mode: fc.oneof(fc.constantFrom('fanIn', 'fanOut'), junk()),
      nonlinearity: fc.oneof(fc.constantFrom('relu', 'leakyRelu', 'tanh', 'linear', 'gelu'), junk()),
    },
    { requiredKeys: [] },
  ),
);
for (const name of [
  'uniform',
  'normal',
  'xavierUniform',
  'xavierNormal',
  'kaimingUniform',
  'kaimingNormal',
  'orthogonal',
]) {
  add(
    `init.${name}`,
    fc.tuple(initTensorArb, initOptionsArb),
    (t, o) => (init as unknown as Record<string, Fn>)[name]!(t, o),
    name === 'uniform'
      ? (result, [, o]) => {
          const { low = 0, high = 1 } = (o ?? {}) as { low?: number; high?: number };
          const data = (result as Tensor).data as Float64Array;
          return data.every((v) => v >= low && v <= high) ? undefined : `a value outside [${low}, ${high}]`;
        }
      : undefined,
  );
}
for (const name of ['constant', 'zeros', 'ones']) {
  add(
    `init.${name}`,
    fc.tuple(initTensorArb, orJunk(fc.double({ noNaN: true, min: -5, max: 5 }))),
    (t, v) => (init as unknown as Record<string, Fn>)[name]!(t, v),
    (result, [, v]) => {
      const expected = name === 'zeros' ? 0 : name === 'ones' ? 1 : (v as number);
      return ((result as Tensor).data as Float64Array).every((x) => x === expected)
        ? undefined
        : `not all ${expected}`;
    },
  );
}
add(
  'init.calculateGain',
  fc.tuple(
    orJunk(fc.constantFrom('relu', 'leakyRelu', 'tanh', 'selu', 'gelu')),
    orJunk(fc.double({ min: 0, max: 1 })),
  ),
  (n, p) => init.calculateGain(n as never, p as never),
);
add('init.fans', fc.tuple(fc.constant('fans'), initTensorArb), (op, t) =>
  init.fans(op as string, t as never),
);

// A whole small training step, with its gradient against finite differences on float64 inputs.
add(
  'mseLoss gradient vs finite differences',
  fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(valuesArb(n), valuesArb(n))),
  (xs, ys) => {
    const x = variable(xs as number[], { dtype: 'float64', requiresGrad: true });
    nn.mseLoss(x, tensor(ys as number[], { dtype: 'float64' })).backward();
    return x.grad;
  },
  (result, [xs, ys]) => {
    const x = xs as number[];
    const y = ys as number[];
    return compare(
      result,
      x.map((v, i) => (2 * (v - y[i]!)) / x.length),
      1e-9,
    );
  },
);

it('fuzz: every public function of @mtl/nn gives a result or a typed error', () => {
  const report = fuzz(cases, { runs: 60, seed: 14, isTyped: (e) => e instanceof MtlError, slowMs: 1500 });
  console.log(formatFuzzReport('@mtl/nn', report));
  expect(report.calls).toBeGreaterThanOrEqual(1500);
  expect(report.genericErrors + report.slow + report.wrong, formatDefects(report)).toBe(0);
});
