import { erf, LINEAR_ACTIVATIONS, type LinearActivation, MtlError, type Tensor, tensor } from '@mtl/tensor';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type FuzzCase, formatDefects, formatFuzzReport, fuzz, junk } from '../../../tools/testing/fuzz';
import * as ag from '../src/index';
import { Parameter, Variable } from '../src/index';

/*
 * Random, mostly invalid, arguments for every public function of @mtl/autograd: each call must
 * end in a result or a typed error (an MtlError), never a generic TypeError/RangeError or a hang;
 * valid float64 inputs are compared with straightforward loops, and gradients with central
 * finite differences.
 */

type Fn = (...args: unknown[]) => unknown;
const api = ag as unknown as Record<string, Fn>;

// ---- arbitraries ----------------------------------------------------------------------------

const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const valuesArb = (n: number, min = -2, max = 2) =>
  fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
const tensorArb = (shape: readonly number[], dtype: 'float32' | 'float64', min = -2, max = 2) =>
  valuesArb(sizeOf(shape), min, max).map((v) => tensor(v, { shape: [...shape], dtype }));
const dtypeArb = fc.constantFrom<'float32' | 'float64'>('float64', 'float32');
const floatTensorArb = fc.tuple(shapeArb, dtypeArb).chain(([s, d]) => tensorArb(s, d));
const intTensorArb = fc
  .tuple(shapeArb, fc.constantFrom('int32', 'bool'))
  .chain(([s, d]) =>
    fc
      .array(fc.integer({ min: -1, max: 3 }), { minLength: sizeOf(s), maxLength: sizeOf(s) })
      .map((v) => tensor(v, { shape: s, dtype: d as 'int32' | 'bool' })),
  );
const asVariable = (t: Tensor) => fc.boolean().map((rg) => new Variable(t, { requiresGrad: rg }));
const variableArb = floatTensorArb.chain(asVariable);
/** A valid operand (Variable, Tensor, number) or, one time in four, junk. */
const operandArb = fc.oneof(
  { weight: 4, arbitrary: variableArb },
  { weight: 2, arbitrary: floatTensorArb },
  { weight: 1, arbitrary: intTensorArb },
  { weight: 1, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 2, arbitrary: junk() },
);
/** Two operands of one shape (or a broadcast one), or junk. */
const pairArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(shapeArb, dtypeArb)
      .chain(([s, d]) =>
        fc.tuple(
          tensorArb(s, d).chain(asVariable),
          fc.oneof(tensorArb(s, d).chain(asVariable), tensorArb(s, d)),
        ),
      ),
  },
  { weight: 2, arbitrary: fc.tuple(operandArb, operandArb) },
);
const dimArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 2 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -3, max: 2 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: junk() },
);
const intArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 4 }) },
  { weight: 1, arbitrary: junk() },
);
const listArb = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }) },
  { weight: 1, arbitrary: junk() },
);
const reduceOptionsArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.record({ keepDim: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ keepDim: fc.boolean(), unbiased: fc.boolean() }) },
  { weight: 1, arbitrary: junk() },
);
const numberArb = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 1, arbitrary: junk() },
);
const orJunk = <T>(a: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ weight, arbitrary: a as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk() });

// ---- references -------------------------------------------------------------------------------

const tensorIn = (x: unknown): Tensor | undefined =>
  x instanceof Variable ? x.value : (x as Tensor)?.constructor?.name === 'Tensor' ? (x as Tensor) : undefined;

function close(actual: number, expected: number, dtype: string): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  const tol = dtype === 'float64' ? 1e-10 : 1e-4;
  return Math.abs(actual - expected) <= tol * (1 + Math.abs(expected));
}

/** Compares a result's values with `ref` element by element; a message on the first mismatch. */
function compare(result: unknown, expected: ArrayLike<number>, dtype: string): string | undefined {
  const t = tensorIn(result);
  if (t === undefined) return `expected a Variable, got ${String(result)}`;
  if (t.size !== expected.length) return `size ${t.size}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!close(Number(t.data[i]), expected[i]!, dtype))
      return `element ${i}: ${t.data[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const erfRef = (v: number) => erf(tensor([v], { dtype: 'float64' })).data[0]!;
/** 1, 2, 3, … in y's shape: an objective Σ kᵢ·yᵢ that weighs every output differently. */
const weightsLike = (y: Tensor) =>
  tensor(
    Array.from({ length: y.size }, (_, i) => i + 1),
    { shape: [...y.shape], dtype: 'float64' },
  );
const unaryRefs: Record<string, (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (v) => 1 / Math.sqrt(v),
  reciprocal: (v) => 1 / v,
  square: (v) => v * v,
  abs: Math.abs,
  sign: Math.sign,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (v) => Math.max(v, 0),
  silu: (v) => v * sigmoid(v),
  erf: Number.NaN as never,
};
const binaryRefs: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max,
  minimum: Math.min,
};

/** Same-shape float64 operands (the only ones the elementwise references check). */
function sameShapeF64(args: unknown[]): Tensor[] | undefined {
  const ts = args.map(tensorIn);
  if (ts.some((t) => t === undefined || t.dtype !== 'float64')) return undefined;
  const [first] = ts as Tensor[];
  if ((ts as Tensor[]).some((t) => t.shape.join() !== first!.shape.join())) return undefined;
  return ts as Tensor[];
}

// ---- cases ------------------------------------------------------------------------------------

const cases: FuzzCase[] = [];
const add = (name: string, args: fc.Arbitrary<unknown[]>, call: Fn, check?: FuzzCase['check']) => {
  cases.push({ name, args, call, check });
};

for (const [name, ref] of Object.entries(unaryRefs)) {
  add(
    name,
    fc.tuple(operandArb),
    (x) => api[name]!(x),
    typeof ref === 'function'
      ? (result, [x]) => {
          const t = sameShapeF64([x]);
          return t ? compare(result, Array.from(t[0]!.data as Float64Array, ref), 'float64') : undefined;
        }
      : undefined,
  );
}
for (const [name, ref] of Object.entries(binaryRefs)) {
  add(
    name,
    pairArb,
    (a, b) => api[name]!(a, b),
    (result, args) => {
      const ts = sameShapeF64(args);
      if (!ts) return undefined;
      const [a, b] = ts as [Tensor, Tensor];
      return compare(
        result,
        Array.from(a.data as Float64Array, (v, i) => ref(v, b.data[i] as number)),
        'float64',
      );
    },
  );
}
for (const name of ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']) {
  add(name, pairArb, (a, b) => api[name]!(a, b));
}
add('logicalNot', fc.tuple(operandArb), (x) => ag.logicalNot(x as never));
add('leakyRelu', fc.tuple(operandArb, numberArb), (x, s) => ag.leakyRelu(x as never, s as never));
add('elu', fc.tuple(operandArb, numberArb), (x, a) => ag.elu(x as never, a as never));
add(
  'gelu',
  fc.tuple(operandArb, orJunk(fc.record({ approximate: fc.constantFrom('none', 'tanh') }))),
  (x, o) => ag.gelu(x as never, o as never),
);
add(
  'softplus',
  fc.tuple(
    operandArb,
    orJunk(fc.record({ beta: fc.double({ min: 0.5, max: 2 }), threshold: fc.constant(20) })),
  ),
  (x, o) => ag.softplus(x as never, o as never),
);
add(
  'clamp',
  fc.tuple(
    operandArb,
    fc.oneof(numberArb, operandArb, fc.constant(null)),
    fc.oneof(numberArb, fc.constant(undefined)),
  ),
  (x, lo, hi) => ag.clamp(x as never, lo as never, hi as never),
  (result, [x, lo, hi]) => {
    const t = sameShapeF64([x]);
    if (!t || typeof lo !== 'number' || (typeof hi !== 'number' && hi !== undefined)) return undefined;
    const ref = (v: number) => Math.min(Math.max(v, lo), hi === undefined ? Number.POSITIVE_INFINITY : hi);
    return compare(result, Array.from(t[0]!.data as Float64Array, ref), 'float64');
  },
);
add('where', fc.tuple(fc.oneof(intTensorArb, operandArb), operandArb, operandArb), (c, a, b) =>
  ag.where(c as never, a as never, b as never),
);
add('maskedFill', fc.tuple(operandArb, fc.oneof(intTensorArb, junk()), numberArb), (x, m, v) =>
  ag.maskedFill(x as never, m as never, v as never),
);

for (const name of ['sum', 'prod', 'mean', 'amax', 'amin', 'max', 'min', 'logsumexp', 'variance', 'std']) {
  add(
    name,
    fc.tuple(operandArb, dimArb, reduceOptionsArb),
    (x, d, o) => api[name]!(x, d, o),
    name === 'sum' || name === 'mean'
      ? (result, [x, d]) => {
          const t = sameShapeF64([x]);
          if (!t || d !== undefined) return undefined;
          let total = 0;
          for (const v of t[0]!.data as Float64Array) total += v;
          return compare(result, [name === 'sum' ? total : total / t[0]!.size], 'float64');
        }
      : undefined,
  );
}
for (const name of ['argmax', 'argmin']) {
  add(name, fc.tuple(operandArb, orJunk(fc.integer({ min: -2, max: 2 })), reduceOptionsArb), (x, d, o) =>
    api[name]!(x, d, o),
  );
}
add(
  'norm',
  fc.tuple(operandArb, orJunk(fc.constantFrom(1, 2, 3, 'inf', '-inf', 'fro', 0)), dimArb, reduceOptionsArb),
  (x, p, d, o) => ag.norm(x as never, p as never, d as never, o as never),
);
for (const name of ['softmax', 'logSoftmax']) {
  add(
    name,
    fc.tuple(operandArb, intArb),
    (x, d) => api[name]!(x, d),
    (result, [x, d]) => {
      const t = sameShapeF64([x]);
      if (!t || t[0]!.rank !== 1) return undefined;
      const data = Array.from(t[0]!.data as Float64Array);
      const m = Math.max(...data);
      const z = data.reduce((s, v) => s + Math.exp(v - m), 0);
      const ref = data.map((v) => (name === 'softmax' ? Math.exp(v - m) / z : v - m - Math.log(z)));
      return d === 0 || d === -1 ? compare(result, ref, 'float64') : undefined;
    },
  );
}

const matrixPairArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
      .chain(([m, k, n]) =>
        fc.tuple(tensorArb([m, k], 'float64').chain(asVariable), tensorArb([k, n], 'float64')),
      ),
  },
  { weight: 2, arbitrary: fc.tuple(operandArb, operandArb) },
);
add(
  'matmul',
  matrixPairArb,
  (a, b) => ag.matmul(a as never, b as never),
  (result, [a, b]) => {
    const at = tensorIn(a);
    const bt = tensorIn(b);
    if (!at || !bt || at.rank !== 2 || bt.rank !== 2 || at.dtype !== 'float64' || bt.dtype !== 'float64')
      return undefined;
    const [m, k] = at.shape as [number, number];
    const n = bt.shape[1]!;
    const ref = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        for (let p = 0; p < k; p++) ref[i * n + j]! += at.data[i * k + p]! * bt.data[p * n + j]!;
    return compare(result, ref, 'float64');
  },
);
for (const name of ['dot', 'outer', 'solve'])
  add(name, fc.oneof(matrixPairArb, pairArb), (a, b) => api[name]!(a, b));
const squareArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.integer({ min: 1, max: 3 }).chain((n) => tensorArb([n, n], 'float64').chain(asVariable)),
  },
  { weight: 1, arbitrary: operandArb },
);
for (const name of ['inv', 'eigh']) add(name, fc.tuple(squareArb), (a) => api[name]!(a));
add('pinv', fc.tuple(squareArb, orJunk(fc.record({ rtol: fc.double({ min: 0, max: 1e-3 }) }))), (a, o) =>
  ag.pinv(a as never, o as never),
);
const linearArgs = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
      .chain(([b, i, o]) =>
        fc.tuple(
          tensorArb([b, i], 'float64').chain(asVariable),
          tensorArb([o, i], 'float64').chain(asVariable),
          fc.oneof(tensorArb([o], 'float64'), fc.constant(undefined), fc.constant(null)),
        ),
      ),
  },
  { weight: 2, arbitrary: fc.tuple(operandArb, operandArb, fc.oneof(operandArb, fc.constant(undefined))) },
);
const linearActivationArb = fc.constantFrom<LinearActivation>(...LINEAR_ACTIVATIONS);
const linearOptionsArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.record({ activation: linearActivationArb }) },
  { weight: 1, arbitrary: junk() },
);
const linearRefs: Record<LinearActivation, (v: number) => number> = {
  none: (v) => v,
  relu: (v) => Math.max(v, 0),
  gelu: (v) => 0.5 * v * (1 + erfRef(v * Math.SQRT1_2)),
  silu: (v) => v * sigmoid(v),
  tanh: Math.tanh,
  sigmoid,
};
/** act(x·wᵀ + b) by loops, for float64 2-d x (undefined for anything else). */
function linearRef(
  x: unknown,
  w: unknown,
  b: unknown,
  activation: LinearActivation,
): Float64Array | undefined {
  const xt = tensorIn(x);
  const wt = tensorIn(w);
  const bt = b === undefined || b === null ? null : tensorIn(b);
  if (!xt || !wt || xt.rank !== 2 || xt.dtype !== 'float64' || wt.dtype !== 'float64' || bt === undefined)
    return undefined;
  const [n, i] = xt.shape as [number, number];
  const o = wt.shape[0]!;
  const ref = new Float64Array(n * o);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < o; c++) {
      let s = bt ? bt.data[c]! : 0;
      for (let p = 0; p < i; p++) s += xt.data[r * i + p]! * wt.data[c * i + p]!;
      ref[r * o + c] = linearRefs[activation](s);
    }
  return ref;
}
add(
  'linear',
  fc.tuple(linearArgs, linearOptionsArb).map(([args, o]) => [...args, o]),
  (x, w, b, o) => ag.linear(x as never, w as never, b as never, o as never),
  (result, [x, w, b, o]) => {
    const activation = (o as { activation?: LinearActivation } | undefined)?.activation ?? 'none';
    const ref = linearRef(x, w, b, activation);
    return ref && compare(result, ref, 'float64');
  },
);
add(
  'linearRelu',
  linearArgs,
  (x, w, b) => ag.linearRelu(x as never, w as never, b as never),
  (result, [x, w, b]) => {
    const ref = linearRef(x, w, b, 'relu');
    return ref && compare(result, ref, 'float64');
  },
);
add(
  'stackedLinear',
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
        )
        .chain(([b, i, outs, withBias]) =>
          fc.tuple(
            tensorArb([b, i], 'float64').chain(asVariable),
            fc.tuple(...outs.map((o) => tensorArb([o, i], 'float64').chain(asVariable))),
            withBias ? fc.tuple(...outs.map((o) => tensorArb([o], 'float64'))) : fc.constant(null),
          ),
        ),
    },
    { weight: 2, arbitrary: fc.tuple(operandArb, orJunk(fc.array(operandArb, { maxLength: 2 })), junk()) },
  ),
  (x, ws, bs) => ag.stackedLinear(x as never, ws as never, bs as never),
  (result, [x, ws, bs]) => {
    const parts = (ws as unknown[]).map((w, k) =>
      linearRef(x, w, (bs as unknown[] | null)?.[k] ?? null, 'none'),
    );
    if (parts.some((p) => p === undefined)) return undefined;
    const rows = tensorIn(x)!.shape[0]!;
    const outs = (ws as unknown[]).map((w) => tensorIn(w)!.shape[0]!);
    const width = outs.reduce((a, b) => a + b, 0);
    const ref = new Float64Array(rows * width);
    let offset = 0;
    parts.forEach((p, k) => {
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < outs[k]!; c++) ref[r * width + offset + c] = p![r * outs[k]! + c]!;
      offset += outs[k]!;
    });
    return compare(result, ref, 'float64');
  },
);
/** linear's gradients to x, w and b (every activation, batched x, with or without a bias) against central differences. */
add(
  'linear gradients vs finite differences',
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      linearActivationArb,
    )
    .chain(([lead, i, o, withBias, activation]) =>
      fc.tuple(
        valuesArb(sizeOf([...lead, i]), -1.5, 1.5).map((v) =>
          tensor(v, { shape: [...lead, i], dtype: 'float64' }),
        ),
        valuesArb(o * i, -1.5, 1.5).map((v) => tensor(v, { shape: [o, i], dtype: 'float64' })),
        withBias ? valuesArb(o, -1.5, 1.5).map((v) => tensor(v, { dtype: 'float64' })) : fc.constant(null),
        fc.constant(activation),
      ),
    ),
  (x, w, b, activation) => {
    const leaves = [x, w, b]
      .filter((t) => t !== null)
      .map((t) => ag.variable(t as Tensor, { requiresGrad: true }));
    const y = ag.linear(leaves[0]!, leaves[1]!, leaves[2] ?? null, {
      activation: activation as LinearActivation,
    });
    return ag.grad(ag.sum(ag.mul(y, weightsLike(y.value))), leaves);
  },
  (result, [x, w, b, activation]) => {
    const inputs = [x, w, b].filter((t) => t !== null) as Tensor[];
    const objective = (ts: Tensor[]) => {
      const y = ag.linear(ts[0]!, ts[1]!, ts[2] ?? null, {
        activation: activation as LinearActivation,
      }).value;
      const k = weightsLike(y).data;
      return Array.from(y.data).reduce((s, v, i) => s + v * k[i]!, 0);
    };
    const h = 1e-6;
    // relu: a kink within h of the point makes the difference quotient meaningless.
    const z = ag.linear(inputs[0]!, inputs[1]!, inputs[2] ?? null).value.data;
    if (activation === 'relu' && Array.from(z).some((v) => Math.abs(v) < 1e-4)) return undefined;
    for (const [n, t] of inputs.entries()) {
      const got = (result as Tensor[])[n]!.data;
      for (let i = 0; i < t.size; i++) {
        const shifted = (d: number) =>
          inputs.map((u, m) => {
            if (m !== n) return u;
            const c = u.clone();
            c.data[i]! += d;
            return c;
          });
        const numeric = (objective(shifted(h)) - objective(shifted(-h))) / (2 * h);
        if (Math.abs(got[i]! - numeric) > 1e-6 * (1 + Math.abs(numeric)))
          return `linear ${activation}: d/d(input ${n})[${i}] = ${got[i]}, finite differences give ${numeric}`;
      }
    }
    return undefined;
  },
);

add('reshape', fc.tuple(operandArb, listArb), (x, s) => ag.reshape(x as never, s as never));
add('flatten', fc.tuple(operandArb, intArb, intArb), (x, a, b) =>
  ag.flatten(x as never, a as never, b as never),
);
add('squeeze', fc.tuple(operandArb, dimArb), (x, d) => ag.squeeze(x as never, d as never));
add('unsqueeze', fc.tuple(operandArb, intArb), (x, d) => ag.unsqueeze(x as never, d as never));
add('permute', fc.tuple(operandArb, listArb), (x, d) => ag.permute(x as never, d as never));
add('transpose', fc.tuple(operandArb, intArb, intArb), (x, a, b) =>
  ag.transpose(x as never, a as never, b as never),
);
add('expand', fc.tuple(operandArb, listArb), (x, s) => ag.expand(x as never, s as never));
add('broadcastTo', fc.tuple(operandArb, listArb), (x, s) => ag.broadcastTo(x as never, s as never));
add('concat', fc.tuple(orJunk(fc.array(operandArb, { maxLength: 3 })), intArb), (xs, d) =>
  ag.concat(xs as never, d as never),
);
add('stack', fc.tuple(orJunk(fc.array(operandArb, { maxLength: 3 })), intArb), (xs, d) =>
  ag.stack(xs as never, d as never),
);
add(
  'slice',
  fc.tuple(operandArb, intArb, intArb, fc.oneof(intArb, fc.constant(undefined)), intArb),
  (x, ...r) => ag.slice(x as never, ...(r as [number, number, number, number])),
);
add('narrow', fc.tuple(operandArb, intArb, intArb, intArb), (x, ...r) =>
  ag.narrow(x as never, ...(r as [number, number, number])),
);
add('select', fc.tuple(operandArb, intArb, intArb), (x, d, i) =>
  ag.select(x as never, d as never, i as never),
);
add('split', fc.tuple(operandArb, fc.oneof(intArb, listArb), intArb), (x, s, d) =>
  ag.split(x as never, s as never, d as never),
);
add('chunk', fc.tuple(operandArb, intArb, intArb), (x, c, d) => ag.chunk(x as never, c as never, d as never));
for (const name of ['gather', 'indexSelect']) {
  add(name, fc.tuple(operandArb, intArb, fc.oneof(intTensorArb, junk())), (x, d, i) => api[name]!(x, d, i));
}
add('cast', fc.tuple(operandArb, orJunk(fc.constantFrom('float32', 'float64', 'int32', 'bool'))), (x, d) =>
  ag.cast(x as never, d as never),
);

// The graph: constructors, backward, grad, checkGrad, noGrad.
const leafOptionsArb = orJunk(
  fc.record({ requiresGrad: fc.boolean(), name: fc.string({ maxLength: 4 }) }, { requiredKeys: [] }),
);
add(
  'new Variable',
  fc.tuple(fc.oneof(floatTensorArb, junk()), leafOptionsArb),
  (t, o) => new Variable(t as never, o as never),
);
add(
  'variable',
  fc.tuple(
    fc.oneof(floatTensorArb, valuesArb(3), fc.double(), junk()),
    orJunk(
      fc.record(
        { requiresGrad: fc.boolean(), dtype: fc.constantFrom('float32', 'float64') },
        { requiredKeys: [] },
      ),
    ),
  ),
  (v, o) => ag.variable(v as never, o as never),
);
add(
  'new Parameter',
  fc.tuple(fc.oneof(floatTensorArb, junk()), orJunk(fc.record({ name: fc.string() }))),
  (t, o) => new Parameter(t as never, o as never),
);
/** A scalar (or not) output that requires grad, with its leaf. */
const graphArb = floatTensorArb.chain((t) =>
  fc.constantFrom('sum', 'none', 'mean').map((kind) => {
    const leaf = new Variable(t, { requiresGrad: true });
    const mid = ag.mul(leaf, leaf);
    return { leaf, out: kind === 'sum' ? ag.sum(mid) : kind === 'mean' ? ag.mean(mid) : mid };
  }),
);
add(
  'Variable.backward',
  fc.tuple(
    graphArb,
    fc.oneof(fc.constant(undefined), floatTensorArb, junk()),
    orJunk(fc.record({ retainGraph: fc.boolean() })),
  ),
  (graph, g, o) => (graph as { out: Variable }).out.backward(g as never, o as never),
);
add(
  'grad',
  fc.tuple(
    graphArb,
    fc.constantFrom('graph', 'junk-out', 'junk-in', 'arrays'),
    junk(),
    orJunk(
      fc.record(
        {
          retainGraph: fc.boolean(),
          allowUnused: fc.boolean(),
          gradOutputs: fc.oneof(junk(), fc.constant([])),
        },
        { requiredKeys: [] },
      ),
    ),
  ),
  (graph, how, j, o) => {
    const { leaf, out } = graph as { leaf: Variable; out: Variable };
    if (how === 'junk-out') return ag.grad(j as never, leaf as Variable, o as never);
    if (how === 'junk-in') return ag.grad(out as Variable, j as never, o as never);
    if (how === 'arrays') return ag.grad([out as Variable], [leaf as Variable, j as never], o as never);
    return ag.grad(out as Variable, leaf as Variable, o as never);
  },
);
add(
  'checkGrad',
  fc.tuple(
    fc.oneof(
      fc.constantFrom(ag.sin, ag.tanh, (x: Variable) => ag.sum(ag.mul(x, x))),
      junk(),
    ),
    fc.oneof(
      floatTensorArb.map((t) => [t]),
      junk(),
    ),
    orJunk(fc.record({ eps: fc.constantFrom(1e-6, 1e-5), atol: fc.constant(1e-6) }, { requiredKeys: [] })),
  ),
  (fn, inputs, o) => ag.checkGrad(fn as never, inputs as never, o as never),
  (result) => ((result as ag.CheckGradResult).ok ? undefined : (result as ag.CheckGradResult).message),
);
add(
  'noGrad',
  fc.tuple(
    fc.oneof(
      fc.constant(() => ag.add(new Variable(tensor([1]), { requiresGrad: true }), 1)),
      junk(),
    ),
  ),
  (fn) => ag.noGrad(fn as never),
);
add('Variable.requiresGrad=', fc.tuple(variableArb, fc.oneof(fc.boolean(), junk())), (v, flag) => {
  (v as Variable).requiresGrad = flag as boolean;
});
const methodNames = Object.getOwnPropertyNames(Variable.prototype).filter(
  (n) =>
    n !== 'constructor' &&
    typeof Object.getOwnPropertyDescriptor(Variable.prototype, n)?.value === 'function',
);
add(
  'Variable methods',
  fc.tuple(
    variableArb,
    fc.constantFrom(...methodNames),
    fc.array(fc.oneof(operandArb, dimArb, junk()), { maxLength: 3 }),
  ),
  (v, method, args) => ((v as Variable)[method as keyof Variable] as Fn).apply(v, args as unknown[]),
);

/** Backward through a smooth op on tiny float64 inputs, against central finite differences. */
const smooth = ['exp', 'sin', 'cos', 'tanh', 'sigmoid', 'silu', 'square', 'softplus', 'logsumexp', 'softmax'];
add(
  'gradient vs finite differences',
  fc.tuple(
    fc.constantFrom(...smooth),
    fc.integer({ min: 1, max: 4 }).chain((n) => valuesArb(n, -1.5, 1.5)),
  ),
  (name, values) => {
    const x = ag.variable(values as number[], { dtype: 'float64', requiresGrad: true });
    const y = api[name as string]!(x, ...(name === 'softmax' ? [0] : [])) as Variable;
    const w = tensor(
      Array.from({ length: y.size }, (_, i) => i + 1),
      { shape: [...y.shape], dtype: 'float64' },
    );
    return ag.grad(ag.sum(ag.mul(y, w)), x)[0];
  },
  (result, [name, values]) => {
    const vs = values as number[];
    const objective = (xs: number[]) => {
      const y = api[name as string]!(
        tensor(xs, { dtype: 'float64' }),
        ...(name === 'softmax' ? [0] : []),
      ) as Variable;
      const out = y.value.data as Float64Array;
      return Array.from(out).reduce((s, v, i) => s + v * (i + 1), 0);
    };
    const h = 1e-6;
    const numeric = vs.map((_, i) => {
      const up = [...vs];
      const down = [...vs];
      up[i]! += h;
      down[i]! -= h;
      return (objective(up) - objective(down)) / (2 * h);
    });
    const got = (result as Tensor).data as Float64Array;
    for (let i = 0; i < vs.length; i++) {
      if (Math.abs(got[i]! - numeric[i]!) > 1e-6 * (1 + Math.abs(numeric[i]!)))
        return `${name}: d/dx[${i}] = ${got[i]}, finite differences give ${numeric[i]}`;
    }
    return undefined;
  },
);

it('fuzz: every public function of @mtl/autograd gives a result or a typed error', () => {
  const report = fuzz(cases, { runs: 50, seed: 14, isTyped: (e) => e instanceof MtlError, slowMs: 1500 });
  console.log(formatFuzzReport('@mtl/autograd', report));
  expect(report.calls).toBeGreaterThanOrEqual(1500);
  expect(report.genericErrors + report.slow + report.wrong, formatDefects(report)).toBe(0);
});
