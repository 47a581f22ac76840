import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type FuzzCase, formatDefects, formatFuzzReport, fuzz, junk } from '../../../tools/testing/fuzz';
import * as api from '../src/index';
import { type DType, Generator, MtlError, Tensor } from '../src/index';

/*
 * The fuzz suite of @mtl/tensor (issue 14): every public function and the Tensor methods, called
 * with random arguments that mix valid values (small tensors of every dtype, including ones made
 * by transpose/slice/expand) with junk. Each call must end in a result or a typed MtlError —
 * never a generic TypeError/RangeError or a slow call — and results for valid inputs must agree
 * with the straightforward reference loops below ("silent wrong" counts as a defect).
 */

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];
const dtypeArb = fc.constantFrom<DType>(...DTYPES);
const floatDType = fc.constantFrom<DType>('float32', 'float64');
const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const nonEmptyShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

/** Values that every dtype stores exactly (float32 included), with the odd NaN and ±Infinity. */
function valueArb(dtype: DType): fc.Arbitrary<number> {
  if (dtype === 'bool') return fc.constantFrom(0, 1);
  if (dtype === 'int32') return fc.integer({ min: -6, max: 6 });
  return fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: -6, max: 6 }) },
    { weight: 4, arbitrary: fc.constantFrom(0.5, -2.25, 0.125, 3.75) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  );
}

function tensorOf(shape: number[], dtypes: fc.Arbitrary<DType> = dtypeArb): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return dtypes.chain((dtype) =>
    fc
      .array(valueArb(dtype), { minLength: size, maxLength: size })
      .map((values) => api.tensor(values, { shape, dtype })),
  );
}

/** A contiguous tensor, or one produced by a transpose, a strided slice or an expand. */
function viewed(base: fc.Arbitrary<Tensor>): fc.Arbitrary<Tensor> {
  return fc.tuple(base, fc.integer({ min: 0, max: 3 })).map(([t, how]) => {
    if (how === 1 && t.rank >= 2) return api.transpose(t, 0, -1);
    if (how === 2 && t.rank >= 1) return api.slice(t, -1, 0, undefined, 2);
    if (how === 3) return api.expand(t, [2, ...t.shape]);
    return t;
  });
}

const tensorArb = viewed(shapeArb.chain((s) => tensorOf(s)));
const floatTensor = viewed(shapeArb.chain((s) => tensorOf(s, floatDType)));

const int32Index = (max: number) =>
  fc
    .array(fc.integer({ min: -max, max: max - 1 }), { maxLength: 4 })
    .map((v) => api.tensor(v, { dtype: 'int32' }));

const some = <T>(valid: fc.Arbitrary<T>, weight = 4): fc.Arbitrary<unknown> =>
  fc.oneof({ weight, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk() });

const anyTensor = some(tensorArb);
const scalarArb = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom(0.5, -1.5, true, false));
const operand = fc.oneof(
  { weight: 6, arbitrary: tensorArb as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: scalarArb },
  { weight: 1, arbitrary: junk() },
);
const dimArb = some(fc.integer({ min: -4, max: 3 }));
const dimsArb = some(
  fc.oneof(
    fc.integer({ min: -4, max: 3 }),
    fc.array(fc.integer({ min: -4, max: 3 }), { maxLength: 3 }),
    fc.constant(undefined),
  ),
);
const reduceOptions = some(
  fc.oneof(fc.constant(undefined), fc.record({ keepDim: fc.boolean() }, { requiredKeys: [] })),
);
const dtypeOptions = some(
  fc.oneof(fc.constant(undefined), fc.record({ dtype: dtypeArb }, { requiredKeys: [] })),
);
const shapeOrJunk = some(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }));
const smallInt = some(fc.integer({ min: -3, max: 6 }));
const numberArb = some(
  fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -10, max: 10, noNaN: true })),
);

/** Two tensors whose shapes broadcast (b's dims are a's, some set to 1, some leading ones dropped). */
const broadcastPair = shapeArb
  .chain((s) =>
    fc.tuple(
      viewed(tensorOf(s)),
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
          fc.integer({ min: 0, max: s.length }),
        )
        .chain(([ones, drop]) => tensorOf(s.map((d, i) => (ones[i] ? 1 : d)).slice(drop))),
      fc.boolean(),
    ),
  )
  .map(([a, b, swap]) => (swap ? [b, a] : [a, b]) as [Tensor, Tensor]);

/** Mostly valid argument lists (built to fit each other), sometimes anything. */
const mix = (valid: fc.Arbitrary<unknown[]>, anything: fc.Arbitrary<unknown[]>): fc.Arbitrary<unknown[]> =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anything });
/** A dim of t, as a positive or negative number. */
const dimOf = (t: Tensor) => fc.integer({ min: -Math.max(t.rank, 1), max: Math.max(t.rank, 1) - 1 });
const norm = (d: number, rank: number) => (d < 0 ? d + Math.max(rank, 1) : d);
const nonEmptyTensor = viewed(nonEmptyShape.chain((s) => tensorOf(s)));

const binaryArgs = fc.oneof(
  { weight: 4, arbitrary: broadcastPair.map((p) => p as unknown[]) },
  { weight: 2, arbitrary: fc.tuple(tensorArb, scalarArb) as fc.Arbitrary<unknown[]> },
  { weight: 2, arbitrary: fc.tuple(operand, operand) as fc.Arbitrary<unknown[]> },
);

const numericDType = fc.constantFrom<DType>('float32', 'float64', 'int32');
const matmulArgs = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        batchA: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
        batchB: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
        m: fc.integer({ min: 0, max: 3 }),
        k: fc.integer({ min: 0, max: 3 }),
        n: fc.integer({ min: 0, max: 3 }),
        vecA: fc.boolean(),
        vecB: fc.boolean(),
        tA: fc.boolean(),
        tB: fc.boolean(),
      })
      .chain(({ batchA, batchB, m, k, n, vecA, vecB, tA, tB }) => {
        const transA = tA && !vecA;
        const transB = tB && !vecB;
        // Batch dims broadcast only when equal or 1: make B's batch A's, with some set to 1.
        const bBatch = batchA.map((d, i) => (batchB[i] === 1 ? 1 : d));
        const aShape = vecA ? [k] : [...batchA, ...(transA ? [k, m] : [m, k])];
        const bShape = vecB ? [k] : [...bBatch, ...(transB ? [n, k] : [k, n])];
        return fc.tuple(
          tensorOf(aShape, numericDType),
          tensorOf(bShape, numericDType),
          fc.constant(transA || transB ? { transposeA: transA, transposeB: transB } : undefined),
        );
      }) as fc.Arbitrary<unknown[]>,
  },
  { weight: 1, arbitrary: fc.tuple(anyTensor, anyTensor, some(fc.constant(undefined))) },
);

// ---------------------------------------------------------------------------------------------
// Reference helpers: plain loops over indices.

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + idx[d]!;
  return i;
}

/** The element of t read at an index of a (broadcast) output shape. */
function readBroadcast(t: Tensor, outIdx: readonly number[]): number {
  const offset = outIdx.length - t.rank;
  const idx = t.shape.map((d, i) => (d === 1 ? 0 : outIdx[offset + i]!));
  return t.data[ravel(idx, t.shape)]!;
}

function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

const asTensor = (x: unknown): Tensor =>
  x instanceof Tensor ? x : api.tensor(Number(x), { dtype: 'float64' });

/** Compares a result against reference values (computed exactly, in float64), by its dtype. */
function compare(result: unknown, shape: readonly number[], expected: ArrayLike<number>): string | undefined {
  if (!(result instanceof Tensor)) return `expected a Tensor, got ${String(result)}`;
  if (JSON.stringify(result.shape) !== JSON.stringify(shape)) {
    return `shape ${JSON.stringify(result.shape)}, expected ${JSON.stringify(shape)}`;
  }
  for (let i = 0; i < expected.length; i++) {
    const got = result.data[i]!;
    let want = expected[i]!;
    if (result.dtype === 'bool') want = want !== 0 && !Number.isNaN(want) ? 1 : 0;
    if (Number.isNaN(want) && Number.isNaN(got)) continue;
    if (result.dtype === 'int32' || result.dtype === 'bool') {
      if (got !== want) return `element ${i} is ${got}, expected ${want} (${result.dtype})`;
      continue;
    }
    if (result.dtype === 'float32') want = Math.fround(want);
    const tol = result.dtype === 'float32' ? 2e-6 : 1e-12;
    const close = got === want || Math.abs(got - want) <= tol * (1 + Math.abs(want));
    if (!close) return `element ${i} is ${got}, expected ${want} (${result.dtype})`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Cases.

const cases: FuzzCase[] = [];
const add = (
  name: string,
  args: fc.Arbitrary<unknown[]>,
  call: (...a: unknown[]) => unknown,
  check?: FuzzCase['check'],
) => cases.push({ name, args, call, check });
// biome-ignore lint/suspicious/noExplicitAny: the fuzz calls every function with anything
const F = api as unknown as Record<string, (...args: any[]) => unknown>;

/* Elementwise unary ops: result[i] = f(x[i]). */
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const erfRef = (v: number) => api.erf(api.tensor([v], { dtype: 'float64' })).data[0]!;
const unary: [string, (v: number) => number][] = [
  ['neg', (v) => -v],
  ['abs', Math.abs],
  ['sign', (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)],
  ['square', (v) => v * v],
  ['exp', Math.exp],
  ['expm1', Math.expm1],
  ['log', Math.log],
  ['log1p', Math.log1p],
  ['sqrt', Math.sqrt],
  ['rsqrt', (v) => 1 / Math.sqrt(v)],
  ['reciprocal', (v) => 1 / v],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tanh', Math.tanh],
  ['sigmoid', sigmoid],
  ['erf', erfRef],
  ['relu', (v) => (Number.isNaN(v) ? v : Math.max(v, 0))],
  ['silu', (v) => v * sigmoid(v)],
  ['logicalNot', (v) => (v === 0 ? 1 : 0)],
];
for (const [name, f] of unary) {
  add(
    name,
    fc.tuple(operand),
    (x) => F[name]!(x),
    (result, [x]) => {
      // A JS number stands for a 0-d float32 tensor here (a bool for a bool one).
      const t = typeof x === 'number' ? api.tensor(x) : asTensor(x);
      // float32 inputs are computed in float64 then rounded once: compare against that.
      return compare(
        result,
        t.shape,
        Array.from(t.data, (v) => f(v)),
      );
    },
  );
}

add(
  'leakyRelu',
  fc.tuple(operand, some(fc.constantFrom(undefined, 0.01, 0.2, -1))),
  (x, s) => F.leakyRelu!(x, s),
  (r, [x, s]) => {
    const t = asTensor(x);
    const slope = (s as number | undefined) ?? 0.01;
    return compare(
      r,
      t.shape,
      Array.from(t.data, (v) => (v > 0 ? v : v * slope)),
    );
  },
);
add(
  'elu',
  fc.tuple(operand, some(fc.constantFrom(undefined, 1, 0.5))),
  (x, a) => F.elu!(x, a),
  (r, [x, a]) => {
    const t = asTensor(x);
    const alpha = (a as number | undefined) ?? 1;
    return compare(
      r,
      t.shape,
      Array.from(t.data, (v) => (v > 0 ? v : alpha * Math.expm1(v))),
    );
  },
);
add(
  'gelu',
  fc.tuple(operand, some(fc.constantFrom(undefined, { approximate: 'tanh' }, { approximate: 'none' }))),
  (x, o) => F.gelu!(x, o),
);
add(
  'softplus',
  fc.tuple(operand, some(fc.constantFrom(undefined, { beta: 2 }, { threshold: 1 }, { beta: 0 }))),
  (x, o) => F.softplus!(x, o),
);

/* Elementwise binary ops with broadcasting. */
const floatPow = (a: number, b: number) =>
  a === 1 || (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) ? 1 : a ** b;
const binary: [string, (a: number, b: number) => number][] = [
  ['add', (a, b) => a + b],
  ['sub', (a, b) => a - b],
  ['mul', (a, b) => a * b],
  ['div', (a, b) => a / b],
  ['pow', floatPow],
  ['maximum', (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b))],
  ['minimum', (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b))],
  ['eq', (a, b) => (a === b ? 1 : 0)],
  ['ne', (a, b) => (a !== b ? 1 : 0)],
  ['lt', (a, b) => (a < b ? 1 : 0)],
  ['le', (a, b) => (a <= b ? 1 : 0)],
  ['gt', (a, b) => (a > b ? 1 : 0)],
  ['ge', (a, b) => (a >= b ? 1 : 0)],
  ['logicalAnd', (a, b) => (a !== 0 && b !== 0 ? 1 : 0)],
  ['logicalOr', (a, b) => (a !== 0 || b !== 0 ? 1 : 0)],
  ['logicalXor', (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0)],
];
for (const [name, f] of binary) {
  add(
    name,
    binaryArgs,
    (a, b) => F[name]!(a, b),
    (result, [a, b]) => {
      const ta = asTensor(a);
      const tb = asTensor(b);
      const shape = broadcast(ta.shape, tb.shape);
      if (shape === null) return 'returned for shapes that do not broadcast';
      const size = shape.reduce((x, y) => x * y, 1);
      const values = Array.from({ length: size }, (_, i) => {
        const idx = unravel(i, shape);
        return f(readBroadcast(ta, idx), readBroadcast(tb, idx));
      });
      return compare(result, shape, values);
    },
  );
}

add(
  'clamp',
  fc.tuple(
    operand,
    some(fc.constantFrom(undefined, null, -1, 0.5)),
    some(fc.constantFrom(undefined, null, 2, 0)),
  ),
  (x, lo, hi) => F.clamp!(x, lo, hi),
  (r, [x, lo, hi]) => {
    const t = asTensor(x);
    return compare(
      r,
      t.shape,
      Array.from(t.data, (v) => {
        let out = v;
        if (typeof lo === 'number') out = Number.isNaN(out) ? out : Math.max(out, lo);
        if (typeof hi === 'number') out = Number.isNaN(out) ? out : Math.min(out, hi);
        return out;
      }),
    );
  },
);

add(
  'where',
  fc.oneof(
    {
      weight: 3,
      arbitrary: broadcastPair.chain(([a, b]) =>
        fc.tuple(
          tensorOf([...(broadcast(a.shape, b.shape) ?? [])], fc.constant<DType>('bool')),
          fc.constant(a),
          fc.constant(b),
        ),
      ) as fc.Arbitrary<unknown[]>,
    },
    { weight: 1, arbitrary: fc.tuple(some(tensorArb), operand, operand) },
  ),
  (c, a, b) => F.where!(c, a, b),
  (r, [c, a, b]) => {
    const [tc, ta, tb] = [asTensor(c), asTensor(a), asTensor(b)];
    if (tc.dtype !== 'bool') return `accepted a ${tc.dtype} condition`;
    const shape = broadcast(broadcast(tc.shape, ta.shape) ?? [], tb.shape)!;
    const size = shape.reduce((x, y) => x * y, 1);
    return compare(
      r,
      shape,
      Array.from({ length: size }, (_, i) => {
        const idx = unravel(i, shape);
        return readBroadcast(tc, idx) ? readBroadcast(ta, idx) : readBroadcast(tb, idx);
      }),
    );
  },
);

add(
  'maskedFill',
  fc.oneof(
    {
      weight: 3,
      arbitrary: tensorArb.chain((x) =>
        fc.tuple(
          fc.constant(x),
          tensorOf([...x.shape], fc.constant<DType>('bool')),
          fc.constantFrom(0, 1, -2, true),
        ),
      ) as fc.Arbitrary<unknown[]>,
    },
    { weight: 1, arbitrary: fc.tuple(anyTensor, some(tensorArb), some(scalarArb)) },
  ),
  (x, m, v) => F.maskedFill!(x, m, v),
  (r, [x, m, v]) => {
    const t = x as Tensor;
    const mask = asTensor(m);
    if (mask.dtype !== 'bool') return `accepted a ${mask.dtype} mask`;
    return compare(
      r,
      t.shape,
      Array.from(t.data, (e, i) => (readBroadcast(mask, unravel(i, t.shape)) ? Number(v) : e)),
    );
  },
);

/* Reductions: a reference that walks every element into its output cell. */
function referenceReduce(
  x: Tensor,
  dim: unknown,
  options: unknown,
  init: number,
  step: (acc: number, v: number) => number,
  finish: (acc: number, n: number) => number = (a) => a,
): { shape: number[]; values: number[] } {
  const rank = x.rank;
  const r = Math.max(rank, 1);
  const list =
    dim === undefined || dim === null
      ? [...Array(rank).keys()]
      : typeof dim === 'number'
        ? [dim]
        : (dim as number[]);
  const dims = new Set(list.map((d) => (d < 0 ? d + r : d)).filter((d) => d < rank));
  const keepDim = (options as { keepDim?: boolean } | undefined)?.keepDim === true;
  const shape = keepDim
    ? x.shape.map((s, i) => (dims.has(i) ? 1 : s))
    : x.shape.filter((_, i) => !dims.has(i));
  const full = x.shape.map((s, i) => (dims.has(i) ? 1 : s));
  const size = full.reduce((a, b) => a * b, 1);
  const acc = new Array<number>(size).fill(init);
  const count = x.shape.reduce((n, s, i) => (dims.has(i) ? n * s : n), 1);
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape).map((v, d) => (dims.has(d) ? 0 : v));
    const o = ravel(idx, full);
    acc[o] = step(acc[o]!, x.data[i]!);
  }
  return { shape, values: acc.map((a) => finish(a, count)) };
}

const nanMax = (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? Number.NaN : Math.max(a, v));
const nanMin = (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? Number.NaN : Math.min(a, v));
const reductions: [string, number, (a: number, v: number) => number, ((a: number, n: number) => number)?][] =
  [
    ['sum', 0, (a, v) => a + v],
    ['prod', 1, (a, v) => a * v],
    ['mean', 0, (a, v) => a + v, (a, n) => a / n],
    ['amax', Number.NEGATIVE_INFINITY, nanMax],
    ['amin', Number.POSITIVE_INFINITY, nanMin],
    ['max', Number.NEGATIVE_INFINITY, nanMax],
    ['min', Number.POSITIVE_INFINITY, nanMin],
  ];
for (const [name, init, step, finish] of reductions) {
  const source = name === 'mean' ? floatTensor : tensorArb;
  const valid = source.chain((t) =>
    fc.tuple(
      fc.constant(t),
      fc.oneof(
        fc.constant(undefined),
        dimOf(t),
        fc.uniqueArray(dimOf(t), { minLength: 1, maxLength: 2, selector: (d) => norm(d, t.rank) }),
      ),
      reduceOptions,
    ),
  );
  add(
    name,
    mix(valid, fc.tuple(anyTensor, dimsArb, reduceOptions)),
    (x, d, o) => F[name]!(x, d, o),
    (r, [x, d, o]) => {
      const { shape, values } = referenceReduce(x as Tensor, d, o, init, step, finish);
      return compare(r, shape, values);
    },
  );
}
for (const name of ['argmax', 'argmin', 'logsumexp', 'variance', 'std']) {
  const valid = (name === 'variance' || name === 'std' ? floatTensor : tensorArb).chain((t) =>
    fc.tuple(fc.constant(t), fc.oneof(fc.constant(undefined), dimOf(t)), reduceOptions),
  );
  add(
    name,
    mix(valid, fc.tuple(anyTensor, name.startsWith('arg') ? dimArb : dimsArb, reduceOptions)),
    (x, d, o) => F[name]!(x, d, o),
  );
}
add(
  'norm',
  fc.tuple(
    anyTensor,
    some(fc.constantFrom(undefined, 1, 2, 3, 0, 'inf', '-inf', 'fro')),
    dimsArb,
    reduceOptions,
  ),
  (x, p, d, o) => F.norm!(x, p, d, o),
);
for (const name of ['softmax', 'logSoftmax']) {
  add(
    name,
    fc.tuple(anyTensor, dimArb),
    (x, d) => F[name]!(x, d),
    (r, [x, d]) => {
      if (name !== 'softmax' || (x as Tensor).size === 0) return undefined;
      // Along dim, softmax is positive (or NaN) and sums to 1 unless a NaN or an infinity is in the row.
      const sums = api.sum(r as Tensor, d as number);
      const finite = api.amax(api.abs((x as Tensor).to('float64')), d as number);
      for (let i = 0; i < sums.size; i++) {
        if (Number.isFinite(finite.data[i]!) && Math.abs(sums.data[i]! - 1) > 1e-5)
          return `sums to ${sums.data[i]}`;
      }
      return undefined;
    },
  );
}

/* Linear algebra. */
function referenceMatmul(
  a: Tensor,
  b: Tensor,
  options: unknown,
): { shape: number[]; values: number[] } | string {
  const { transposeA = false, transposeB = false } = (options ?? {}) as {
    transposeA?: boolean;
    transposeB?: boolean;
  };
  const a2 = a.rank === 1 ? api.reshape(a, [1, a.size]) : transposeA ? api.transpose(a, -2, -1) : a;
  const b2 = b.rank === 1 ? api.reshape(b, [b.size, 1]) : transposeB ? api.transpose(b, -2, -1) : b;
  const [m, k] = a2.shape.slice(-2) as [number, number];
  const [k2, n] = b2.shape.slice(-2) as [number, number];
  if (k !== k2) return 'returned for mismatched inner dims';
  const batch = broadcast(a2.shape.slice(0, -2), b2.shape.slice(0, -2))!;
  const count = batch.reduce((x, y) => x * y, 1);
  const values: number[] = [];
  for (let bi = 0; bi < count; bi++) {
    const bIdx = unravel(bi, batch);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < k; r++)
          s += readBroadcast(a2, [...bIdx, i, r]) * readBroadcast(b2, [...bIdx, r, j]);
        values.push(s);
      }
  }
  const shape = [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
  return { shape, values };
}
add(
  'matmul',
  matmulArgs,
  (a, b, o) => F.matmul!(a, b, o),
  (r, [a, b, o]) => {
    const ref = referenceMatmul(a as Tensor, b as Tensor, o);
    if (typeof ref === 'string') return ref;
    // float32 products may accumulate in float32 (the WASM kernel): a looser tolerance.
    if ((r as Tensor).dtype === 'float32') {
      const diff = api.sub(
        (r as Tensor).to('float64'),
        api.tensor(ref.values, { shape: ref.shape, dtype: 'float64' }),
      );
      const worst = diff.size ? api.amax(api.abs(diff)).item() : 0;
      return worst > 1e-4 ? `off by ${worst}` : undefined;
    }
    return compare(r, ref.shape, ref.values);
  },
);
add(
  'dot',
  fc.oneof(
    fc
      .integer({ min: 0, max: 4 })
      .chain((n) => fc.tuple(tensorOf([n], numericDType), tensorOf([n], numericDType))) as fc.Arbitrary<
      unknown[]
    >,
    fc.tuple(anyTensor, anyTensor),
  ),
  (a, b) => F.dot!(a, b),
  (r, [a, b]) => {
    const ref = referenceMatmul(a as Tensor, b as Tensor, undefined) as { shape: number[]; values: number[] };
    return compare(r, ref.shape, ref.values);
  },
);
add(
  'outer',
  fc.tuple(some(tensorOf([3], numericDType)), some(tensorOf([2], numericDType))),
  (a, b) => F.outer!(a, b),
  (r, [a, b]) => {
    const [ta, tb] = [a as Tensor, b as Tensor];
    return compare(
      r,
      [ta.size, tb.size],
      Array.from(
        { length: ta.size * tb.size },
        (_, i) => ta.data[Math.floor(i / tb.size)]! * tb.data[i % tb.size]!,
      ),
    );
  },
);
/** x [..., k], weight [n, k], bias [n] or none, and the options of linear (or junk for any of them). */
const linearArgs = mix(
  fc
    .record({
      lead: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
      k: fc.integer({ min: 0, max: 3 }),
      n: fc.integer({ min: 0, max: 3 }),
      dtype: numericDType,
    })
    .chain(({ lead, k, n, dtype }) =>
      fc.tuple(
        tensorOf([...lead, k], fc.constant(dtype)),
        tensorOf([n, k], fc.oneof(fc.constant(dtype), numericDType)),
        fc.oneof(tensorOf([n], fc.constant(dtype)), fc.constantFrom(undefined, null)),
        some(
          fc.oneof(
            fc.constant(undefined),
            fc.record({ activation: fc.constantFrom(...api.LINEAR_ACTIVATIONS) }, { requiredKeys: [] }),
          ),
        ),
      ),
    ),
  fc.tuple(
    anyTensor,
    anyTensor,
    fc.oneof(anyTensor, fc.constant(null)),
    some(fc.constant({ activation: 'relu' })),
  ),
);
const linearRefs: Record<api.LinearActivation, (v: number) => number> = {
  none: (v) => v,
  relu: (v) => (Number.isNaN(v) ? v : Math.max(v, 0)),
  gelu: (v) => 0.5 * v * (1 + erfRef(v * Math.SQRT1_2)),
  silu: (v) => v * sigmoid(v),
  tanh: Math.tanh,
  sigmoid,
};
add(
  'linear',
  linearArgs,
  (x, w, b, o) => F.linear!(x, w, b, o),
  (r, [x, w, b, o]) => {
    const [xt, wt, bt] = [x as Tensor, w as Tensor, b as Tensor | null | undefined];
    // float64 operands only: the reference sums in float64, as the float64 product does.
    if ([xt, wt, bt ?? xt].some((t) => t.dtype !== 'float64')) return undefined;
    const act = linearRefs[(o as { activation?: api.LinearActivation } | undefined)?.activation ?? 'none'];
    const [n, k] = wt.shape as [number, number];
    const rows = xt.size / Math.max(k, 1);
    const lead = xt.shape.slice(0, -1);
    const values = Array.from({ length: (k === 0 ? lead.reduce((p, d) => p * d, 1) : rows) * n }, (_, i) => {
      const [row, col] = [Math.floor(i / n), i % n];
      let s = 0;
      for (let p = 0; p < k; p++) s += xt.data[row * k + p]! * wt.data[col * k + p]!;
      return act(s + (bt ? bt.data[col]! : 0));
    });
    return compare(r, [...lead, n], values);
  },
);
const squareMatrix = fc.integer({ min: 0, max: 3 }).chain((n) => tensorOf([n, n], floatDType));
const solveArgs = squareMatrix.chain((a) =>
  fc.tuple(
    fc.constant(a),
    fc.oneof(tensorOf([a.shape[0]!], floatDType), tensorOf([a.shape[0]!, 2], floatDType)),
  ),
);
add('solve', mix(solveArgs, fc.tuple(some(squareMatrix), some(tensorArb))), (a, b) => F.solve!(a, b));
add('inv', fc.tuple(some(squareMatrix)), (a) => F.inv!(a));
add('eigh', fc.tuple(some(squareMatrix)), (a) => F.eigh!(a));
add(
  'pinv',
  fc.tuple(
    some(
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
        .chain(([m, n]) => tensorOf([m, n], floatDType)),
    ),
    some(fc.constantFrom(undefined, { rtol: 1e-3 }, { atol: 1 })),
  ),
  (a, o) => F.pinv!(a, o),
);
add(
  'transpose',
  mix(
    tensorArb.chain((t) => fc.tuple(fc.constant(t), dimOf(t), dimOf(t))),
    fc.tuple(anyTensor, dimArb, dimArb),
  ),
  (x, d0, d1) => F.transpose!(x, d0, d1),
  (r, [x, d0, d1]) => {
    const t = x as Tensor;
    const rr = Math.max(t.rank, 1);
    const [a, b] = [
      (d0 as number) < 0 ? (d0 as number) + rr : (d0 as number),
      (d1 as number) < 0 ? (d1 as number) + rr : (d1 as number),
    ];
    if (t.rank === 0) return compare(r, [], [t.data[0]!]);
    const shape = [...t.shape];
    [shape[a], shape[b]] = [shape[b]!, shape[a]!];
    return compare(
      r,
      shape,
      Array.from({ length: t.size }, (_, i) => {
        const idx = unravel(i, shape);
        [idx[a], idx[b]] = [idx[b]!, idx[a]!];
        return t.data[ravel(idx, t.shape)]!;
      }),
    );
  },
);
const permutation = (rank: number) =>
  fc
    .shuffledSubarray([...Array(rank).keys()], { minLength: rank, maxLength: rank })
    .chain((p) => fc.tuple(...p.map((d) => fc.constantFrom(d, d - rank))));
add(
  'permute',
  mix(
    tensorArb.chain((t) => fc.tuple(fc.constant(t), permutation(t.rank))),
    fc.tuple(anyTensor, some(fc.array(fc.integer({ min: -4, max: 3 }), { maxLength: 4 }))),
  ),
  (x, d) => F.permute!(x, d),
  (r, [x, d]) => {
    const t = x as Tensor;
    const perm = (d as number[]).map((p) => (p < 0 ? p + t.rank : p));
    const shape = perm.map((p) => t.shape[p]!);
    return compare(
      r,
      shape,
      Array.from({ length: t.size }, (_, i) => {
        const idx = unravel(i, shape);
        const src = new Array<number>(t.rank);
        perm.forEach((p, k) => {
          src[p] = idx[k]!;
        });
        return t.data[ravel(src, t.shape)]!;
      }),
    );
  },
);

/* Shapes and indexing. */
const reshapeTo = (t: Tensor) =>
  fc.constantFrom(
    [t.size],
    [-1],
    [1, t.size, 1],
    [...t.shape].reverse(),
    [-1, 1],
    t.size % 2 === 0 ? [2, -1] : [t.size],
  );
add(
  'reshape',
  mix(
    tensorArb.chain((t) => fc.tuple(fc.constant(t), reshapeTo(t))),
    fc.tuple(anyTensor, some(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }))),
  ),
  (x, s) => F.reshape!(x, s),
  (r, [x]) => compare(r, (r as Tensor).shape, (x as Tensor).data),
);
add(
  'flatten',
  mix(
    tensorArb.chain((t) => fc.tuple(fc.constant(t), dimOf(t), dimOf(t))),
    fc.tuple(anyTensor, some(fc.integer({ min: -5, max: 4 })), some(fc.integer({ min: -5, max: 4 }))),
  ),
  (x, a, b) => F.flatten!(x, a, b),
  (r, [x]) => compare(r, (r as Tensor).shape, (x as Tensor).data),
);
add(
  'squeeze',
  fc.tuple(anyTensor, dimsArb),
  (x, d) => F.squeeze!(x, d),
  (r, [x]) => compare(r, (r as Tensor).shape, (x as Tensor).data),
);
add(
  'unsqueeze',
  fc.tuple(anyTensor, dimArb),
  (x, d) => F.unsqueeze!(x, d),
  (r, [x]) => compare(r, (r as Tensor).shape, (x as Tensor).data),
);
for (const name of ['expand', 'broadcastTo']) {
  const target = (t: Tensor) =>
    fc
      .tuple(
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: t.rank, maxLength: t.rank }),
        fc.boolean(),
      )
      .map(([lead, grow, keep]) => [...lead, ...t.shape.map((d, i) => (d === 1 ? grow[i]! : keep ? -1 : d))]);
  add(
    name,
    mix(
      tensorArb.chain((t) => fc.tuple(fc.constant(t), target(t))),
      fc.tuple(anyTensor, some(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 5 }))),
    ),
    (x, s) => F[name]!(x, s),
    (r, [x]) => {
      const shape = (r as Tensor).shape;
      const size = shape.reduce((a, b) => a * b, 1);
      return compare(
        r,
        shape,
        Array.from({ length: size }, (_, i) => readBroadcast(x as Tensor, unravel(i, shape))),
      );
    },
  );
}
add(
  'slice',
  mix(
    nonEmptyTensor.chain((t) =>
      fc.tuple(
        fc.constant(t),
        dimOf(t),
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom(undefined, -1, 0, 2, 9),
        fc.integer({ min: 1, max: 3 }),
      ),
    ),
    fc.tuple(
      anyTensor,
      dimArb,
      some(fc.integer({ min: -5, max: 5 })),
      some(fc.constantFrom(undefined, -1, 0, 2, 9)),
      some(fc.integer({ min: 1, max: 3 })),
    ),
  ),
  (x, d, s, e, st) => F.slice!(x, d, s, e, st),
  (r, [x, d, s, e, st]) => {
    const t = x as Tensor;
    const dim = (d as number) < 0 ? (d as number) + t.rank : (d as number);
    const size = t.shape[dim]!;
    const clampI = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    const from = clampI(s as number);
    const to = e === undefined ? size : clampI(e as number);
    const picked: number[] = [];
    for (let i = from; i < to; i += st as number) picked.push(i);
    const shape = [...t.shape];
    shape[dim] = picked.length;
    const n = shape.reduce((a, b) => a * b, 1);
    return compare(
      r,
      shape,
      Array.from({ length: n }, (_, i) => {
        const idx = unravel(i, shape);
        idx[dim] = picked[idx[dim]!]!;
        return t.data[ravel(idx, t.shape)]!;
      }),
    );
  },
);
const narrowArgs = nonEmptyTensor.chain((t) =>
  dimOf(t).chain((d) => {
    const size = t.shape[norm(d, t.rank)]!;
    return fc
      .integer({ min: 0, max: size })
      .chain((start) =>
        fc.tuple(
          fc.constant(t),
          fc.constant(d),
          fc.constantFrom(start, start - size),
          fc.integer({ min: 0, max: size - start }),
        ),
      );
  }),
);
add(
  'narrow',
  mix(narrowArgs, fc.tuple(anyTensor, dimArb, smallInt, smallInt)),
  (x, d, s, l) => F.narrow!(x, d, s, l),
  (r, [x, d, s, l]) => {
    const t = x as Tensor;
    const size = t.shape[norm(d as number, t.rank)]!;
    const start = (s as number) < 0 ? (s as number) + size : (s as number);
    return compare(r, (r as Tensor).shape, api.slice(t, d as number, start, start + (l as number)).data);
  },
);
const selectArgs = nonEmptyTensor.chain((t) =>
  dimOf(t).chain((d) =>
    fc.tuple(
      fc.constant(t),
      fc.constant(d),
      fc.integer({ min: -t.shape[norm(d, t.rank)]!, max: t.shape[norm(d, t.rank)]! - 1 }),
    ),
  ),
);
add(
  'select',
  mix(selectArgs, fc.tuple(anyTensor, dimArb, smallInt)),
  (x, d, i) => F.select!(x, d, i),
  (r, [x, d, i]) => {
    const t = x as Tensor;
    const dim = norm(d as number, t.rank);
    const index = (i as number) < 0 ? (i as number) + t.shape[dim]! : (i as number);
    const shape = t.shape.filter((_, k) => k !== dim);
    const n = shape.reduce((a, b) => a * b, 1);
    return compare(
      r,
      shape,
      Array.from({ length: n }, (_, k) => {
        const idx = unravel(k, shape);
        idx.splice(dim, 0, index);
        return t.data[ravel(idx, t.shape)]!;
      }),
    );
  },
);
/** Pieces joined back along their dim give x again. */
const rejoins = (r: unknown, [x, , d]: unknown[]) => {
  const pieces = r as Tensor[];
  if (pieces.some((p) => p.rank !== (x as Tensor).rank)) return 'a piece changed rank';
  return compare(api.concat(pieces, d as number), (x as Tensor).shape, (x as Tensor).data);
};
const sections = (size: number): fc.Arbitrary<number[]> =>
  size === 0
    ? fc.constant([0])
    : fc
        .integer({ min: 0, max: size })
        .chain((a) => fc.constant(a === 0 || a === size ? [size] : [a, size - a]));
const splitArgs = nonEmptyTensor.chain((t) =>
  dimOf(t).chain((d) =>
    fc.tuple(
      fc.constant(t),
      fc.oneof(fc.integer({ min: 1, max: 3 }), sections(t.shape[norm(d, t.rank)]!)),
      fc.constant(d),
    ),
  ),
);
add(
  'split',
  mix(
    splitArgs,
    fc.tuple(
      anyTensor,
      some(
        fc.oneof(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })),
      ),
      dimArb,
    ),
  ),
  (x, s, d) => F.split!(x, s, d),
  rejoins,
);
const chunkArgs = nonEmptyTensor.chain((t) =>
  fc.tuple(fc.constant(t), fc.integer({ min: 1, max: 5 }), dimOf(t)),
);
add('chunk', mix(chunkArgs, fc.tuple(anyTensor, smallInt, dimArb)), (x, c, d) => F.chunk!(x, c, d), rejoins);
const tensorList = some(fc.array(some(tensorArb, 8), { maxLength: 3 }));
const sameShapeList = some(nonEmptyShape.chain((s) => fc.array(tensorOf(s), { minLength: 1, maxLength: 3 })));
const concatArgs = nonEmptyShape.chain((shape) =>
  fc.integer({ min: 0, max: shape.length - 1 }).chain((d) =>
    fc.tuple(
      fc.array(
        fc.integer({ min: 0, max: 3 }).chain((n) => tensorOf(shape.map((s, k) => (k === d ? n : s)))),
        { minLength: 1, maxLength: 3 },
      ),
      fc.constantFrom(d, d - shape.length),
    ),
  ),
);
add(
  'concat',
  mix(concatArgs, fc.tuple(fc.oneof(tensorList, sameShapeList), dimArb)),
  (xs, d) => F.concat!(xs, d),
  (r, [xs, d]) => {
    // Reference: along dim, the pieces follow each other; everywhere else they agree.
    const list = (xs as Tensor[]).filter((t) => !(t.rank === 1 && t.size === 0));
    if (list.length === 0) return undefined;
    const dim = norm(d as number, list[0]!.rank);
    const shape = [...list[0]!.shape];
    shape[dim] = list.reduce((n, t) => n + t.shape[dim]!, 0);
    const n = shape.reduce((a, b) => a * b, 1);
    return compare(
      r,
      shape,
      Array.from({ length: n }, (_, k) => {
        const idx = unravel(k, shape);
        let j = 0;
        while (idx[dim]! >= list[j]!.shape[dim]!) idx[dim]! -= list[j++]!.shape[dim]!;
        return list[j]!.data[ravel(idx, list[j]!.shape)]!;
      }),
    );
  },
);
add(
  'stack',
  fc.tuple(fc.oneof(tensorList, sameShapeList), dimArb),
  (xs, d) => F.stack!(xs, d),
  (r, [xs, d]) => {
    const list = xs as Tensor[];
    const dim = (d as number) < 0 ? (d as number) + list[0]!.rank + 1 : (d as number);
    const shape = [...list[0]!.shape];
    shape.splice(dim, 0, list.length);
    const n = shape.reduce((a, b) => a * b, 1);
    return compare(
      r,
      shape,
      Array.from({ length: n }, (_, i) => {
        const idx = unravel(i, shape);
        const [k] = idx.splice(dim, 1);
        return list[k!]!.data[ravel(idx, list[0]!.shape)]!;
      }),
    );
  },
);
const indexArgs = fc.tuple(some(nonEmptyShape.chain((s) => tensorOf(s))), dimArb, some(int32Index(4)));
/** An int32 tensor of `shape` with entries in [-size, size). */
const indicesOf = (shape: number[], size: number) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(fc.integer({ min: -size, max: size - 1 }), { minLength: n, maxLength: n })
    .map((v) => api.tensor(v, { dtype: 'int32', shape }));
};
/** x, a dim, and an index tensor that fits x on every other dim (gather/scatterAdd). */
const gatherArgs = nonEmptyTensor.chain((t) =>
  dimOf(t).chain((d) => {
    const dim = norm(d, t.rank);
    return fc
      .tuple(
        ...t.shape.map((s, k) =>
          k === dim ? fc.integer({ min: 1, max: 3 }) : fc.integer({ min: 1, max: s }),
        ),
      )
      .chain((shape) => fc.tuple(fc.constant(t), fc.constant(d), indicesOf(shape, t.shape[dim]!)));
  }),
);
add(
  'gather',
  mix(gatherArgs, indexArgs),
  (x, d, i) => F.gather!(x, d, i),
  (r, [x, d, i]) => {
    const [t, index] = [x as Tensor, i as Tensor];
    const dim = norm(d as number, t.rank);
    return compare(
      r,
      index.shape,
      Array.from(index.data, (v, k) => {
        const idx = unravel(k, index.shape);
        idx[dim] = v < 0 ? v + t.shape[dim]! : v;
        return t.data[ravel(idx, t.shape)]!;
      }),
    );
  },
);
const selectIndexArgs = nonEmptyTensor.chain((t) =>
  dimOf(t).chain((d) =>
    fc.tuple(
      fc.constant(t),
      fc.constant(d),
      fc.integer({ min: 0, max: 4 }).chain((n) => indicesOf([n], t.shape[norm(d, t.rank)]!)),
    ),
  ),
);
add(
  'indexSelect',
  mix(selectIndexArgs, indexArgs),
  (x, d, i) => F.indexSelect!(x, d, i),
  (r, [x, d, i]) => {
    const [t, index] = [x as Tensor, i as Tensor];
    const dim = norm(d as number, t.rank);
    const shape = [...t.shape];
    shape[dim] = index.size;
    const n = shape.reduce((a, b) => a * b, 1);
    return compare(
      r,
      shape,
      Array.from({ length: n }, (_, k) => {
        const idx = unravel(k, shape);
        const v = index.data[idx[dim]!]!;
        idx[dim] = v < 0 ? v + t.shape[dim]! : v;
        return t.data[ravel(idx, t.shape)]!;
      }),
    );
  },
);
add(
  'oneHot',
  fc.tuple(
    some(
      fc
        .array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 })
        .map((v) => api.tensor(v, { dtype: 'int32' })),
    ),
    some(fc.constantFrom(undefined, -1, 5, 3)),
  ),
  (x, n) => F.oneHot!(x, n),
);
const numericTensorOf = (shape: number[]) => tensorOf(shape, numericDType);
const scatterArgs = gatherArgs.chain(([x, d, i]) =>
  fc.tuple(
    fc.constant((x as Tensor).dtype === 'bool' ? (x as Tensor).to('int32') : x),
    fc.constant(d),
    fc.constant(i),
    numericTensorOf([...(i as Tensor).shape]),
  ),
);
add(
  'scatterAdd',
  mix(scatterArgs, fc.tuple(anyTensor, dimArb, some(int32Index(3)), anyTensor)),
  (x, d, i, s) => F.scatterAdd!(x, d, i, s),
  (r, [x, d, i, s]) => {
    const [t, index, src] = [x as Tensor, i as Tensor, s as Tensor];
    const dim = norm(d as number, t.rank);
    const out = Array.from(t.data);
    index.data.forEach((v, k) => {
      const idx = unravel(k, index.shape);
      idx[dim] = v < 0 ? v + t.shape[dim]! : v;
      out[ravel(idx, t.shape)]! += src.data[k]!;
    });
    return compare(r, t.shape, out);
  },
);
const indexAddArgs = selectIndexArgs.chain(([x, d, i]) => {
  const t = (x as Tensor).dtype === 'bool' ? (x as Tensor).to('int32') : (x as Tensor);
  const shape = [...t.shape];
  shape[norm(d as number, t.rank)] = (i as Tensor).size;
  return fc.tuple(fc.constant(t), fc.constant(d), fc.constant(i), numericTensorOf(shape));
});
add(
  'indexAdd',
  mix(indexAddArgs, fc.tuple(anyTensor, dimArb, some(int32Index(3)), anyTensor)),
  (x, d, i, s) => F.indexAdd!(x, d, i, s),
  (r, [x, d, i, s]) => {
    const [t, index, src] = [x as Tensor, i as Tensor, s as Tensor];
    const dim = norm(d as number, t.rank);
    const out = Array.from(t.data);
    for (let k = 0; k < src.size; k++) {
      const idx = unravel(k, src.shape);
      const v = index.data[idx[dim]!]!;
      idx[dim] = v < 0 ? v + t.shape[dim]! : v;
      out[ravel(idx, t.shape)]! += src.data[k]!;
    }
    return compare(r, t.shape, out);
  },
);
const sliceScatterArgs = nonEmptyTensor.chain((t) =>
  fc
    .tuple(
      dimOf(t),
      fc.integer({ min: -4, max: 4 }),
      fc.constantFrom(undefined, 2, -1),
      fc.integer({ min: 1, max: 2 }),
    )
    .chain(([d, a, e, st]) =>
      fc.tuple(
        fc.constant(t),
        tensorOf([...api.slice(t, d, a, e, st).shape]),
        fc.constant(d),
        fc.constant(a),
        fc.constant(e),
        fc.constant(st),
      ),
    ),
);
add(
  'sliceScatter',
  mix(
    sliceScatterArgs,
    fc.tuple(
      anyTensor,
      anyTensor,
      dimArb,
      smallInt,
      some(fc.constantFrom(undefined, 2)),
      some(fc.constantFrom(undefined, 1, 2)),
    ),
  ),
  (x, s, d, a, e, st) => F.sliceScatter!(x, s, d, a, e, st),
  (r, [, s, d, a, e, st]) => {
    // Reading the written slice back gives src (in the promoted dtype).
    const back = api.slice(r as Tensor, d as number, a as number, e as number | undefined, st as number);
    return compare(back, (s as Tensor).shape, (s as Tensor).data);
  },
);

/* Creation. */
const fillCheck = (value: (args: unknown[]) => number) => (r: unknown, args: unknown[]) => {
  const shape = args[0] as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  return compare(r, shape, new Array(n).fill(value(args)));
};
add(
  'zeros',
  fc.tuple(shapeOrJunk, dtypeOptions),
  (s, o) => F.zeros!(s, o),
  fillCheck(() => 0),
);
add(
  'ones',
  fc.tuple(shapeOrJunk, dtypeOptions),
  (s, o) => F.ones!(s, o),
  fillCheck(() => 1),
);
add(
  'full',
  fc.tuple(shapeOrJunk, some(scalarArb), dtypeOptions),
  (s, v, o) => F.full!(s, v, o),
  fillCheck((a) => Number(a[1])),
);
for (const name of ['zerosLike', 'onesLike'])
  add(name, fc.tuple(anyTensor, dtypeOptions), (x, o) => F[name]!(x, o));
add('fullLike', fc.tuple(anyTensor, some(scalarArb), dtypeOptions), (x, v, o) => F.fullLike!(x, v, o));
add(
  'tensor',
  fc.tuple(
    some(
      fc.oneof(
        fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 4 }),
        fc.array(fc.array(fc.double(), { minLength: 2, maxLength: 2 }), { maxLength: 3 }),
        fc.constant(new Float32Array([1, 2])),
      ),
    ),
    some(fc.oneof(fc.constant(undefined), fc.record({ dtype: dtypeArb }, { requiredKeys: [] }))),
  ),
  (v, o) => F.tensor!(v, o),
);
add(
  'arange',
  fc.tuple(
    numberArb,
    some(fc.constantFrom(undefined, 3, -2, 7.5)),
    some(fc.constantFrom(undefined, 1, 0.5, -1, 2)),
  ),
  (a, b, s) => F.arange!(a, b, s),
  (r, [a, b, s]) => {
    const [from, to] = b === undefined ? [0, a as number] : [a as number, b as number];
    const step = (s as number | undefined) ?? 1;
    const n = Math.max(0, Math.ceil((to - from) / step));
    return compare(
      r,
      [n],
      Array.from({ length: n }, (_, i) => from + i * step),
    );
  },
);
add('linspace', fc.tuple(numberArb, numberArb, smallInt, dtypeOptions), (a, b, n, o) =>
  F.linspace!(a, b, n, o),
);
add(
  'eye',
  fc.tuple(smallInt, some(fc.constantFrom(undefined, 2, 0)), dtypeOptions),
  (n, m, o) => F.eye!(n, m, o),
  (r, [n, m]) => {
    const cols = (m as number | undefined) ?? (n as number);
    return compare(
      r,
      [n as number, cols],
      Array.from({ length: (n as number) * cols }, (_, i) => (i % cols === Math.floor(i / cols) ? 1 : 0)),
    );
  },
);
const randomOptions = some(
  fc.oneof(
    fc.constant(undefined),
    fc.record(
      { dtype: dtypeArb, generator: fc.integer({ min: 0, max: 9 }).map((s) => new Generator(s)) },
      { requiredKeys: [] },
    ),
  ),
);
for (const name of ['rand', 'randn'])
  add(name, fc.tuple(shapeOrJunk, randomOptions), (s, o) => F[name]!(s, o));
const randintArgs = fc
  .integer({ min: -5, max: 5 })
  .chain((lo) =>
    fc.tuple(fc.constant(lo), fc.constantFrom(lo + 1, lo + 7, 2 ** 24, 2 ** 31), shapeArb, randomOptions),
  );
add(
  'randint',
  mix(
    randintArgs,
    fc.tuple(numberArb, some(fc.constantFrom(1, 5, 2 ** 31, 2 ** 40)), shapeOrJunk, randomOptions),
  ),
  (lo, hi, s, o) => F.randint!(lo, hi, s, o),
  (r, [lo, hi]) => {
    for (const v of (r as Tensor).data)
      if (v < (lo as number) || v >= (hi as number)) return `value ${v} outside [${lo}, ${hi})`;
    return undefined;
  },
);
add('randperm', fc.tuple(smallInt, some(fc.constant(undefined))), (n, o) => F.randperm!(n, o));
add('manualSeed', fc.tuple(smallInt), (s) => F.manualSeed!(s));
add('getDefaultGenerator', fc.tuple(), () => F.getDefaultGenerator!());
add('Generator', fc.tuple(smallInt), (s) => new Generator(s as number));

/* Utilities. */
const closeOptions = some(fc.constantFrom(undefined, { rtol: 0.1 }, { atol: 1, equalNan: true }));
add(
  'allClose',
  mix(
    broadcastPair.chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), closeOptions)),
    fc.tuple(anyTensor, anyTensor, closeOptions),
  ),
  (a, b, o) => F.allClose!(a, b, o),
);
add('promoteTypes', fc.tuple(some(dtypeArb), some(dtypeArb)), (a, b) => F.promoteTypes!(a, b));
add(
  'broadcastShapes',
  fc.tuple(some(fc.constantFrom('op')), shapeOrJunk, shapeOrJunk),
  (op, a, b) => F.broadcastShapes!(op, a, b),
  (r, [, a, b]) =>
    JSON.stringify(r) === JSON.stringify(broadcast(a as number[], b as number[]))
      ? undefined
      : `got ${JSON.stringify(r)}`,
);
add('normalizeDim', fc.tuple(some(fc.constant('op')), dimArb, smallInt), (op, d, r) =>
  F.normalizeDim!(op, d, r),
);
add('normalizeDims', fc.tuple(some(fc.constant('op')), dimsArb, shapeOrJunk), (op, d, s) =>
  F.normalizeDims!(op, d, s),
);
add('sizeOf', fc.tuple(shapeOrJunk), (s) => F.sizeOf!(s));
add('formatShape', fc.tuple(shapeOrJunk), (s) => F.formatShape!(s));
add('formatValue', fc.tuple(junk()), (v) => F.formatValue!(v));
add(
  'formatTensor',
  mix(
    tensorArb.map((t) => [t.data, t.shape, t.dtype]),
    fc.tuple(some(fc.constant(new Float32Array(2))), shapeOrJunk, some(dtypeArb)),
  ),
  (d, s, t) => F.formatTensor!(d, s, t),
  (r, [d, s, t]) =>
    r === new Tensor(d as Float32Array, s as number[], t as DType).toString()
      ? undefined
      : 'differs from toString()',
);
add(
  'setBackend',
  fc.tuple(
    some(fc.constantFrom('wasm', 'js')),
    some(
      fc.constantFrom(
        undefined,
        {},
        { kernels: ['matmul'] },
        { kernels: ['linearPasses', 'optimizerUpdates'] },
        { variant: 'simd' },
        { kernels: ['conv'] },
        { kernel: ['matmul'] },
      ),
    ),
  ),
  (b, o) => F.setBackend!(b, o),
);
add('backend', fc.tuple(some(fc.constantFrom(undefined, 'matmul', 'optimizerUpdates'))), (k) =>
  F.backend!(k),
);
add('backendInfo', fc.tuple(), () => F.backendInfo!());
add('setMatmulThreads', fc.tuple(some(fc.constantFrom(1, 'auto'))), (t) => F.setMatmulThreads!(t));
add('matmulThreads', fc.tuple(), () => F.matmulThreads!());
add(
  'copyToKernelStorage',
  fc.tuple(anyTensor),
  (t) => F.copyToKernelStorage!(t),
  (r, [t]) =>
    (r as Tensor).shape.join() === (t as Tensor).shape.join() &&
    Array.from((r as Tensor).data).every((v, i) => Object.is(v, (t as Tensor).data[i]))
      ? undefined
      : 'copy differs',
);
add('isInKernelStorage', fc.tuple(anyTensor), (t) => F.isInKernelStorage!(t));
add('kernelStorageZeros', fc.tuple(some(shapeArb)), (s) => F.kernelStorageZeros!(s));
add(
  'new Tensor',
  fc.tuple(
    some(fc.constantFrom(new Float32Array(6), new Int32Array(6), new Uint8Array(6))),
    some(fc.constantFrom([2, 3], [-2, -3], [6], [3, 3]), 2),
    some(dtypeArb, 2),
  ),
  (d, s, t) => new Tensor(d as Float32Array, s as number[], t as DType),
);

/* Tensor methods: any method with anything. */
const methods = Object.getOwnPropertyNames(Tensor.prototype).filter(
  (m) => m !== 'constructor' && m !== 'rank',
);
const methodArg = fc.oneof(tensorArb as fc.Arbitrary<unknown>, fc.integer({ min: -2, max: 2 }), junk());
add(
  'Tensor methods',
  fc.tuple(tensorArb, fc.constantFrom(...methods), fc.array(methodArg, { maxLength: 3 })),
  (t, m, args) =>
    // biome-ignore lint/suspicious/noExplicitAny: calling each method by name
    (t as any)[m as string](...(args as unknown[])),
);

/* Generator methods: any method with anything. */
// Public methods only: `below` and `reseed` are private helpers that trust their callers.
const generatorMethods = Object.getOwnPropertyNames(Generator.prototype).filter(
  (m) => !['constructor', 'seed', 'below', 'reseed'].includes(m),
);
const generatorArg = fc.oneof(
  fc.integer({ min: -3, max: 10 }),
  fc.constantFrom(new Float32Array(3), new Float64Array(2), [1, 2]),
  junk(),
);
add(
  'Generator methods',
  fc.tuple(
    fc.integer({ min: 0, max: 9 }),
    fc.constantFrom(...generatorMethods),
    fc.array(generatorArg, { maxLength: 3 }),
  ),
  (seed, m, args) =>
    // biome-ignore lint/suspicious/noExplicitAny: calling each method by name
    (new Generator(seed as number) as any)[m as string](...(args as unknown[])),
);

it('fuzz: every @mtl/tensor function ends in a result or a typed error, and valid results are right', () => {
  const report = fuzz(cases, { runs: 90, seed: 14, isTyped: (e) => e instanceof MtlError });
  api.setBackend('wasm');
  api.setMatmulThreads('auto');
  console.log(formatFuzzReport('@mtl/tensor', report));
  expect(report.calls).toBeGreaterThanOrEqual(6000);
  expect(report.genericErrors + report.slow + report.wrong, formatDefects(report)).toBe(0);
}, 60_000);
