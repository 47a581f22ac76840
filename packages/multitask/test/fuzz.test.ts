import { Linear } from '@mtl/nn';
import { Generator, MtlError, randn, type Tensor, tensor } from '@mtl/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FuzzCase, formatDefects, formatFuzzReport, fuzz, junk } from '../../../tools/testing/fuzz';
import {
  accuracy,
  activationModule,
  auc,
  CGC,
  CrossStitch,
  cagradToy,
  cagradToyLosses,
  DataLoader,
  DSelectK,
  DSelectKGate,
  encodeLabels,
  f1,
  gradNormToy,
  HardSharing,
  MMoE,
  MultiTaskDataset,
  mae,
  mlp,
  mse,
  oneHotEncode,
  PLE,
  PLELevel,
  penguins,
  r2,
  relatedTasks,
  rmse,
  Standardizer,
  trainValTestSplit,
} from '../src/index';

/*
 * Random, mostly invalid arguments for every public function and constructor of the data,
 * metrics, datasets and architectures API. Each call must end in a result or an MtlError —
 * never a generic TypeError/RangeError, never a slow call — and valid random inputs must agree
 * with straightforward reference loops.
 */

const RUNS = 50;
const SEED = 20_261_207;

// ---------------------------------------------------------------- arbitraries

/** A valid value most of the time, junk otherwise. */
const maybe = <T>(valid: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid as fc.Arbitrary<unknown>, weight }, { arbitrary: junk(), weight: 1 });

/** Junk other than "nothing" (undefined or an empty object), which would mean every default. */
const junkNotEmpty = (): fc.Arbitrary<unknown> =>
  junk().filter(
    (v) => v !== undefined && !(typeof v === 'object' && v !== null && Reflect.ownKeys(v).length === 0),
  );

/** An options object whose present keys hold a valid value or junk; sometimes junk as a whole. */
function options(
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: readonly string[] = [],
  edgy: Record<string, fc.Arbitrary<unknown>> = {},
) {
  const valid = fc.record(fields, { requiredKeys: required as string[] });
  const mixed = fc.record(
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [
        k,
        maybe(edgy[k] === undefined ? v : fc.oneof(v, edgy[k]!), 4),
      ]),
    ) as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: required as string[] },
  );
  return fc.oneof(
    { arbitrary: valid as fc.Arbitrary<unknown>, weight: 3 },
    { arbitrary: mixed as fc.Arbitrary<unknown>, weight: 3 },
    { arbitrary: junkNotEmpty(), weight: 1 },
  );
}

const finite = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
const small = (min: number, max: number) => fc.integer({ min, max });

/** Two number arrays of the same length 0…12. */
const samePairs = small(0, 12).chain((n) =>
  fc.tuple(
    fc.array(finite, { minLength: n, maxLength: n }),
    fc.array(finite, { minLength: n, maxLength: n }),
  ),
);
/** Scores and 0/1 targets of the same length. */
const binaryPairs = small(0, 12).chain((n) =>
  fc.tuple(
    fc.array(finite, { minLength: n, maxLength: n }),
    fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
  ),
);
/** [N, C] float64 scores (C ≥ 1) and class indices in [0, C). */
const multiclassPairs = fc
  .tuple(small(0, 10), small(1, 4))
  .chain(([n, c]) =>
    fc.tuple(
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n * c, maxLength: n * c }),
      fc.array(small(0, c - 1), { minLength: n, maxLength: n }),
      fc.constant([n, c] as const),
    ),
  )
  .map(
    ([values, labels, shape]) => [tensor(values, { dtype: 'float64', shape: [...shape] }), labels] as const,
  );

const TASK_NAMES = ['a', 'b', '__proto__', 'constructor', 'toString'];
const taskName = fc.constantFrom(...TASK_NAMES);
/** Names a model refuses (module names are dotted paths). */
const badTaskName = fc.constantFrom('x.y', '');

/** A record from names, built with defineProperty so `__proto__` is an own key. */
function byName<T>(names: readonly string[], make: (name: string, i: number) => T): Record<string, T> {
  const out: Record<string, T> = {};
  names.forEach((k, i) => {
    Object.defineProperty(out, k, { value: make(k, i), enumerable: true, writable: true });
  });
  return out;
}

const names = (bad = false) =>
  fc.uniqueArray(bad ? fc.oneof(taskName, badTaskName) : taskName, { minLength: 1, maxLength: 3 });

/** `{ name: outputSize }` with names that include Object.prototype members. */
const taskSizes = names().map((ns) => byName(ns, (_, i) => 1 + (i % 3)));
const edgyTaskSizes = names(true).map((ns) => byName(ns, (_, i) => i % 3));

const widths = (max: number) => fc.array(small(1, 6), { maxLength: max });
const dtypeArb = fc.constantFrom('float32', 'float64');
const badDtype = fc.constantFrom('int32', 'float16', 'bool');
const activationArb = fc.constantFrom('relu', 'tanh', 'gelu', 'sigmoid', 'leakyRelu', 'elu', 'silu');
const badActivation = fc.constantFrom('swish', 'toString', '__proto__');

/** A small valid dataset with label tasks named from TASK_NAMES (without '.', '' which datasets allow too). */
function makeDataset(n: number, names: readonly string[]): MultiTaskDataset {
  const g = new Generator(n + names.length);
  const labels: Record<string, Tensor> = Object.create(null);
  names.forEach((name, i) => {
    labels[name] =
      i % 2 === 0
        ? tensor(
            Array.from({ length: n }, (_, r) => (r + i) % 3),
            { dtype: 'int32' },
          )
        : tensor(Array.from({ length: n }, (_, r) => (r % 2 === 0 ? 1 : r % 5 === 0 ? Number.NaN : 0)));
  });
  return new MultiTaskDataset({ features: randn([n, 3], { generator: g }), labels });
}

const datasetArb = fc
  .tuple(small(0, 15), fc.uniqueArray(fc.oneof(taskName, badTaskName), { maxLength: 3 }))
  .map(([n, names]) => makeDataset(n, names));

// ---------------------------------------------------------------- references

function isNumbers(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'number');
}

/** Equal up to 1e-9 relative, NaN equal to NaN. */
function same(actual: unknown, expected: number): string | undefined {
  if (typeof actual !== 'number') return `expected a number, got ${String(actual)}`;
  if (Number.isNaN(expected) && Number.isNaN(actual)) return undefined;
  if (actual === expected) return undefined;
  if (Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected))) return undefined;
  return `got ${actual}, the reference loop gives ${expected}`;
}

/** Labelled (prediction, target) pairs of two number arrays: targets that are NaN are left out. */
function labelled(p: number[], y: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) out.push([p[i]!, y[i]!]);
  return out;
}

function refMean(p: number[], y: number[], f: (d: number) => number): number {
  const pairs = labelled(p, y);
  let s = 0;
  for (const [a, b] of pairs) s += f(a - b);
  return pairs.length === 0 ? Number.NaN : s / pairs.length;
}

function refR2(p: number[], y: number[]): number {
  const pairs = labelled(p, y);
  if (pairs.length < 2) return Number.NaN;
  let mean = 0;
  for (const [, b] of pairs) mean += b;
  mean /= pairs.length;
  let res = 0;
  let tot = 0;
  for (const [a, b] of pairs) {
    res += (b - a) ** 2;
    tot += (b - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** Argmax (first on ties) of each row of an [N, C] tensor. */
function argmaxRows(t: Tensor): number[] {
  const [n, c] = t.shape as [number, number];
  return Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < c; j++) if (t.data[i * c + j]! > t.data[i * c + best]!) best = j;
    return best;
  });
}

/** The predicted and true classes of a valid call, or undefined when the call is not a plain one. */
function classes(
  p: unknown,
  y: unknown,
  o: unknown,
): { pred: number[]; label: number[]; classes: number } | undefined {
  if (o !== undefined || !isNumbers(y)) return undefined;
  if (isNumbers(p)) {
    if (p.length !== y.length) return undefined;
    const keep = y.map((_, i) => i).filter((i) => !Number.isNaN(y[i]!));
    return { pred: keep.map((i) => (p[i]! > 0 ? 1 : 0)), label: keep.map((i) => y[i]!), classes: 2 };
  }
  const t = p as Tensor;
  if (t?.shape?.length === 2 && t.shape[0] === y.length && t.shape[1]! >= 1) {
    return { pred: argmaxRows(t), label: y, classes: t.shape[1]! };
  }
  return undefined;
}

function f1Score(tp: number, fp: number, fn: number): number {
  return 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

function refF1(c: { pred: number[]; label: number[]; classes: number }, binary: boolean): number {
  if (c.label.length === 0) return Number.NaN;
  const counts = (k: number) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    c.pred.forEach((p, i) => {
      if (p === k && c.label[i] === k) tp++;
      else if (p === k) fp++;
      else if (c.label[i] === k) fn++;
    });
    return f1Score(tp, fp, fn);
  };
  if (binary) return counts(1);
  let sum = 0;
  for (let k = 0; k < c.classes; k++) sum += counts(k);
  return sum / c.classes;
}

function refAuc(p: number[], y: number[]): number {
  const pos = p.filter((_, i) => y[i] === 1);
  const neg = p.filter((_, i) => y[i] === 0);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

// ---------------------------------------------------------------- cases

const maskOpts = options({ mask: fc.array(fc.constantFrom(0, 1, true, false), { maxLength: 12 }) });
const regressionArgs = fc.oneof(
  { arbitrary: samePairs.map(([p, y]) => [p, y] as unknown[]), weight: 3 },
  {
    arbitrary: fc.tuple(
      maybe(samePairs.map(([p]) => p)),
      maybe(fc.array(finite)),
      fc.oneof(fc.constant(undefined), maskOpts),
    ),
    weight: 2,
  },
);

function regressionCase(
  name: string,
  fn: (p: never, y: never, o?: never) => number,
  ref: (p: number[], y: number[]) => number,
): FuzzCase {
  return {
    name,
    args: regressionArgs,
    call: (p, y, o) => fn(p as never, y as never, o as never),
    check: (result, [p, y, o]) => {
      if (o !== undefined || !isNumbers(p) || !isNumbers(y) || p.length !== y.length) return undefined;
      return same(result, ref(p, y));
    },
  };
}

const classificationArgs = fc.oneof(
  { arbitrary: binaryPairs.map(([p, y]) => [p, y] as unknown[]), weight: 2 },
  { arbitrary: multiclassPairs.map(([p, y]) => [p, y] as unknown[]), weight: 2 },
  {
    arbitrary: fc.tuple(
      maybe(
        fc.oneof(
          binaryPairs.map(([p]) => p as unknown),
          multiclassPairs.map(([p]) => p as unknown),
        ),
      ),
      maybe(fc.array(small(0, 3))),
      options({
        mask: fc.array(fc.constantFrom(0, 1), { maxLength: 12 }),
        from: fc.constantFrom('logits', 'probabilities', 'odds'),
        threshold: fc.double(),
        average: fc.constantFrom('macro', 'micro', 'weighted', 'samples'),
        absentClasses: fc.constantFrom('zero', 'ignore', 'drop'),
      }),
    ),
    weight: 2,
  },
);

const metricCases: FuzzCase[] = [
  regressionCase('mse', mse, (p, y) => refMean(p, y, (d) => d * d)),
  regressionCase('mae', mae, (p, y) => refMean(p, y, Math.abs)),
  regressionCase('rmse', rmse, (p, y) => Math.sqrt(refMean(p, y, (d) => d * d))),
  regressionCase('r2', r2, refR2),
  {
    name: 'accuracy',
    args: classificationArgs,
    call: (p, y, o) => accuracy(p as never, y as never, o as never),
    check: (result, [p, y, o]) => {
      const c = classes(p, y, o);
      if (c === undefined) return undefined;
      const right = c.pred.filter((v, i) => v === c.label[i]).length;
      return same(result, c.label.length === 0 ? Number.NaN : right / c.label.length);
    },
  },
  {
    name: 'f1',
    args: classificationArgs,
    call: (p, y, o) => f1(p as never, y as never, o as never),
    check: (result, [p, y, o]) => {
      const c = classes(p, y, o);
      return c === undefined ? undefined : same(result, refF1(c, isNumbers(p)));
    },
  },
  {
    name: 'auc',
    args: classificationArgs,
    call: (p, y, o) => auc(p as never, y as never, o as never),
    check: (result, [p, y, o]) => {
      if (o !== undefined || !isNumbers(p) || !isNumbers(y) || p.length !== y.length) return undefined;
      return same(result, refAuc(p, y));
    },
  },
];

const labelsArb = fc.oneof(
  fc.constant(null),
  junk(),
  fc.uniqueArray(fc.oneof(taskName, badTaskName), { maxLength: 3 }).map((names) => {
    const out: Record<string, unknown> = {};
    for (const name of names) {
      Object.defineProperty(out, name, { value: tensor([1, 0, 1, 0]), enumerable: true, writable: true });
    }
    return out;
  }),
);

const dataCases: FuzzCase[] = [
  {
    name: 'new MultiTaskDataset',
    args: fc.tuple(
      options({
        features: fc.oneof(fc.constant(randn([4, 2])), fc.constant(randn([4]))),
        labels: labelsArb,
      }),
    ),
    call: (o) => new MultiTaskDataset(o as never),
    check: (d, [o]) => {
      const given = Object.keys((o as { labels: object }).labels);
      const tasks = (d as MultiTaskDataset).tasks;
      if (tasks.join('|') !== given.join('|'))
        return `tasks ${tasks.join(',')} but labels named ${given.join(',')}`;
      for (const t of given) {
        if ((d as MultiTaskDataset).label(t) !== (o as { labels: Record<string, Tensor> }).labels[t]) {
          return `label(${t}) is not the tensor given`;
        }
      }
      return undefined;
    },
  },
  {
    name: 'MultiTaskDataset#subset',
    args: fc.tuple(datasetArb, maybe(fc.array(small(0, 14), { maxLength: 6 }))),
    call: (d, idx) => (d as MultiTaskDataset).subset(idx as never),
    check: (s, [d, idx]) => {
      const out = s as MultiTaskDataset;
      if (out.length !== (idx as number[]).length) return 'wrong length';
      return out.tasks.join('|') === (d as MultiTaskDataset).tasks.join('|') ? undefined : 'tasks lost';
    },
  },
  {
    name: 'MultiTaskDataset#label/labelMask',
    args: fc.tuple(datasetArb, maybe(taskName)),
    call: (d, t) => (d as MultiTaskDataset).labelMask(t as string),
  },
  {
    name: 'new DataLoader (one epoch)',
    args: fc.tuple(
      maybe(datasetArb),
      options(
        {
          batchSize: small(1, 6),
          shuffle: fc.boolean(),
          dropLast: fc.boolean(),
          seed: small(0, 99),
          generator: fc.constant(new Generator(1)),
        },
        ['batchSize'],
      ),
    ),
    call: (d, o) => [...new DataLoader(d as never, o as never)],
    check: (batches, [d, o]) => {
      const ds = d as MultiTaskDataset;
      const { batchSize, dropLast } = o as { batchSize: number; dropLast?: boolean };
      const rows = (batches as { indices: Int32Array; labels: object }[]).reduce(
        (s, b) => s + b.indices.length,
        0,
      );
      const expected = dropLast ? Math.floor(ds.length / batchSize) * batchSize : ds.length;
      if (rows !== expected) return `${rows} rows in an epoch, expected ${expected}`;
      for (const b of batches as { labels: object }[]) {
        if (Object.keys(b.labels).join('|') !== ds.tasks.join('|')) return 'a batch lost a task';
      }
      return undefined;
    },
  },
  {
    name: 'trainValTestSplit',
    args: fc.tuple(
      maybe(datasetArb),
      fc.oneof(
        fc.constant(undefined),
        options({
          fractions: fc.constantFrom(
            [0.6, 0.2, 0.2],
            [1, 0, 0],
            [0.5, 0.5],
            [0.5, 0.25, 0.26],
            [Number.NaN, 0.5, 0.5],
          ),
          stratifyBy: taskName,
          seed: small(0, 9),
        }),
      ),
    ),
    call: (d, o) => trainValTestSplit(d as never, o as never),
    check: (s, [d]) => {
      const { indices } = s as ReturnType<typeof trainValTestSplit>;
      const all = [...indices.train, ...indices.validation, ...indices.test].sort((a, b) => a - b);
      return all.every((v, i) => v === i) && all.length === (d as MultiTaskDataset).length
        ? undefined
        : 'the parts are not a partition of the rows';
    },
  },
  {
    name: 'Standardizer fit/transform/inverseTransform',
    args: fc.tuple(
      maybe(
        fc
          .tuple(small(0, 6), small(1, 3))
          .chain(([n, f]) =>
            fc
              .array(finite, { minLength: n * f, maxLength: n * f })
              .map((v) => tensor(v, { dtype: 'float64', shape: [n, f] })),
          ),
      ),
    ),
    call: (x) => {
      const s = new Standardizer().fit(x as Tensor);
      return [x, s.inverseTransform(s.transform(x as Tensor))];
    },
    check: (r) => {
      const [x, back] = r as [Tensor, Tensor];
      for (let i = 0; i < x.size; i++) {
        if (Math.abs(x.data[i]! - back.data[i]!) > 1e-9 * Math.max(1, Math.abs(x.data[i]!)))
          return 'round trip differs';
      }
      return undefined;
    },
  },
  {
    name: 'Standardizer.fromJSON',
    args: fc.tuple(
      options({
        mean: fc.array(finite, { maxLength: 3 }),
        std: fc.array(fc.double({ min: 0.1, max: 3 }), { maxLength: 3 }),
      }),
    ),
    call: (json) => Standardizer.fromJSON(json as never).toJSON(),
  },
  {
    name: 'encodeLabels',
    args: fc.tuple(
      maybe(
        fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c', '__proto__', null, undefined)), { maxLength: 8 }),
      ),
      fc.oneof(
        fc.constant(undefined),
        options({ classes: fc.constantFrom(['a', 'b', 'c', '__proto__'], ['a', 'a'], ['b']) }),
      ),
    ),
    call: (v, o) => encodeLabels(v as never, o as never),
    check: (r, [v]) => {
      const { indices, classes: list } = r as ReturnType<typeof encodeLabels>;
      const values = v as (string | null | undefined)[];
      for (let i = 0; i < values.length; i++) {
        const want = values[i] == null ? -1 : list.indexOf(values[i]!);
        if (indices.data[i] !== want) return `values[${i}] encoded as ${indices.data[i]}, expected ${want}`;
      }
      return undefined;
    },
  },
  {
    name: 'oneHotEncode',
    args: fc.tuple(
      maybe(fc.array(fc.constantFrom('a', 'b', 'constructor', null), { maxLength: 8 })),
      fc.oneof(
        fc.constant(undefined),
        options({
          categories: fc.constantFrom(['a', 'b'], ['constructor']),
          dtype: fc.oneof(dtypeArb, badDtype),
        }),
      ),
    ),
    call: (v, o) => oneHotEncode(v as never, o as never),
    check: (r, [v]) => {
      const { tensor: t, categories } = r as ReturnType<typeof oneHotEncode>;
      const values = v as (string | null)[];
      const k = categories.length;
      for (let i = 0; i < values.length; i++) {
        for (let c = 0; c < k; c++) {
          if (t.data[i * k + c] !== (values[i] === categories[c] ? 1 : 0))
            return `row ${i} column ${c} is wrong`;
        }
      }
      return undefined;
    },
  },
];

const datasetCases: FuzzCase[] = [
  {
    name: 'relatedTasks',
    args: fc.tuple(
      options({
        tasks: small(1, 3),
        samples: small(1, 30),
        features: small(1, 24),
        sharedFactors: small(0, 3),
        taskFactors: small(0, 2),
        conflict: fc.double({ min: 0, max: 1 }),
        noise: fc.double({ min: 0, max: 1 }),
        seed: small(0, 9),
      }),
    ),
    call: (o) => relatedTasks(o as never),
  },
  {
    name: 'gradNormToy',
    args: fc.tuple(
      options(
        {
          tasks: small(1, 3),
          sigmas: fc.array(finite, { maxLength: 3 }),
          inputDim: small(1, 8),
          outputDim: small(1, 8),
          samples: small(1, 30),
          seed: small(0, 9),
        },
        ['inputDim', 'outputDim', 'samples'],
      ),
    ),
    call: (o) => gradNormToy(o as never),
  },
  {
    name: 'cagradToyLosses',
    args: fc.tuple(
      maybe(
        fc.constantFrom(
          tensor([1, 2]),
          tensor([[1, 2]]),
          tensor([1, 2, 3]),
          tensor([1, 2], { dtype: 'int32' }),
        ),
      ),
    ),
    call: (x) => cagradToyLosses(x as never),
  },
  { name: 'cagradToy', args: fc.tuple(junk()), call: () => cagradToy() },
];

const lin = (i = 2, o = 2) => new Linear(i, o);
/** A fresh module per draw. */
const layerArb = fc.constant(null).map(() => lin() as unknown);
const layers = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => Array.from({ length: n }, () => lin() as unknown));

/** Model parts for one set of task names, so valid draws agree on the tasks. */
const partsArb = fc.tuple(names(), names(true), fc.boolean()).map(([good, bad, useBad]) => {
  const ns = useBad ? bad : good;
  return {
    modules: () => byName(ns, () => lin()),
    lists: (n: number) => byName(ns, () => Array.from({ length: n }, () => lin())),
    gates: () => byName(ns, () => new DSelectKGate(2, 2, { k: 1 })),
  };
});

/** A model from a builder must run: every task gets a [2, size] output. */
function runs(model: unknown, o: unknown): string | undefined {
  const { inputSize, tasks } = o as { inputSize: number; tasks: Record<string, number> };
  const out = (model as HardSharing).forward(randn([2, inputSize]));
  for (const [task, size] of Object.entries(tasks)) {
    const shape = out[task]?.shape;
    if (shape?.[0] !== 2 || shape[1] !== size) return `task ${task} output shape ${JSON.stringify(shape)}`;
  }
  return undefined;
}

const common = { activation: activationArb, dtype: dtypeArb, generator: fc.constant(new Generator(3)) };
const edgyCommon = { activation: badActivation, dtype: badDtype, tasks: edgyTaskSizes };
const zeroOrMore = (max: number) => small(0, max);
const architectureCases: FuzzCase[] = [
  {
    name: 'mlp',
    args: fc.tuple(
      maybe(fc.array(small(1, 6), { minLength: 2, maxLength: 4 })),
      options({ ...common, finalActivation: fc.boolean() }, [], edgyCommon),
    ),
    call: (sizes, o) => mlp(sizes as never, o as never),
    check: (m, [sizes]) => {
      const s = sizes as number[];
      const out = (m as ReturnType<typeof mlp>).forward(randn([2, s[0]!]));
      return out.shape[1] === s.at(-1) ? undefined : `output shape ${JSON.stringify(out.shape)}`;
    },
  },
  {
    name: 'activationModule',
    args: fc.tuple(maybe(fc.oneof(activationArb, badActivation))),
    call: (a) => activationModule(a as never),
  },
  {
    name: 'new HardSharing',
    args: partsArb.chain((p) =>
      fc.tuple(options({ encoder: layerArb, heads: fc.constant(null).map(p.modules) }, ['encoder', 'heads'])),
    ),
    call: (o) => new HardSharing(o as never),
  },
  {
    name: 'HardSharing.mlp',
    args: fc.tuple(
      options(
        { inputSize: small(1, 4), hidden: widths(2), tasks: taskSizes, headHidden: widths(1), ...common },
        ['inputSize', 'hidden', 'tasks'],
        edgyCommon,
      ),
    ),
    call: (o) => HardSharing.mlp(o as never),
    check: runsCheck,
  },
  {
    name: 'new MMoE',
    args: partsArb.chain((p) =>
      fc.tuple(
        options(
          {
            experts: layers(1, 2),
            gates: fc.constant(null).map(p.modules),
            towers: fc.constant(null).map(p.modules),
          },
          ['experts', 'gates', 'towers'],
          { experts: layers(0, 0) },
        ),
      ),
    ),
    call: (o) => new MMoE(o as never),
  },
  {
    name: 'MMoE.mlp',
    args: fc.tuple(
      options(
        {
          inputSize: small(1, 4),
          expertHidden: fc.array(small(1, 6), { minLength: 1, maxLength: 2 }),
          numExperts: small(1, 3),
          tasks: taskSizes,
          towerHidden: widths(1),
          ...common,
        },
        ['inputSize', 'expertHidden', 'numExperts', 'tasks'],
        { ...edgyCommon, expertHidden: fc.constant([]), numExperts: fc.constant(0) },
      ),
    ),
    call: (o) => MMoE.mlp(o as never),
    check: runsCheck,
  },
  {
    name: 'new CGC',
    args: partsArb.chain((p) =>
      fc.tuple(
        options(
          {
            sharedExperts: layers(1, 2),
            taskExperts: zeroOrMore(2).map(p.lists),
            gates: fc.constant(null).map(p.modules),
            towers: fc.constant(null).map(p.modules),
          },
          ['sharedExperts', 'taskExperts', 'gates', 'towers'],
          { sharedExperts: layers(0, 0) },
        ),
      ),
    ),
    call: (o) => new CGC(o as never),
  },
  {
    name: 'CGC.mlp',
    args: fc.tuple(
      options(
        {
          inputSize: small(1, 4),
          expertHidden: fc.array(small(1, 6), { minLength: 1, maxLength: 2 }),
          numSharedExperts: small(1, 2),
          numTaskExperts: small(0, 2),
          tasks: taskSizes,
          towerHidden: widths(1),
          ...common,
        },
        ['inputSize', 'expertHidden', 'numSharedExperts', 'numTaskExperts', 'tasks'],
        { ...edgyCommon, expertHidden: fc.constant([]), numSharedExperts: fc.constant(0) },
      ),
    ),
    call: (o) => CGC.mlp(o as never),
    check: runsCheck,
  },
  {
    name: 'new PLELevel',
    args: partsArb.chain((p) =>
      fc.tuple(
        options(
          {
            sharedExperts: layers(1, 2),
            taskExperts: zeroOrMore(2).map(p.lists),
            gates: fc.constant(null).map(p.modules),
            sharedGate: fc.oneof(fc.constant(null), layerArb),
          },
          ['sharedExperts', 'taskExperts', 'gates'],
        ),
      ),
    ),
    call: (o) => new PLELevel(o as never),
  },
  {
    name: 'new PLE',
    args: partsArb.chain((p) =>
      fc.tuple(
        options(
          {
            levels: fc.constant(null).map(() => {
              // A level with refused task names cannot be built; PLE then gets no levels.
              try {
                return [
                  new PLELevel({ sharedExperts: [lin()], taskExperts: p.lists(0), gates: p.modules() }),
                ];
              } catch {
                return [];
              }
            }),
            towers: fc.constant(null).map(p.modules),
          },
          ['levels', 'towers'],
          { levels: fc.array(junk(), { maxLength: 2 }) },
        ),
      ),
    ),
    call: (o) => new PLE(o as never),
  },
  {
    name: 'PLE.mlp',
    args: fc.tuple(
      options(
        {
          inputSize: small(1, 4),
          expertHidden: fc.array(small(1, 6), { minLength: 1, maxLength: 2 }),
          numSharedExperts: small(1, 2),
          numTaskExperts: small(0, 2),
          levels: small(1, 3),
          tasks: taskSizes,
          towerHidden: widths(1),
          ...common,
        },
        ['inputSize', 'expertHidden', 'numSharedExperts', 'numTaskExperts', 'levels', 'tasks'],
        { ...edgyCommon, expertHidden: fc.constant([]), levels: fc.constant(0) },
      ),
    ),
    call: (o) => PLE.mlp(o as never),
    check: runsCheck,
  },
  {
    name: 'new CrossStitch',
    args: partsArb.chain((p) =>
      fc.tuple(
        options(
          {
            columns: small(1, 2).map(p.lists),
            heads: fc.constant(null).map(p.modules),
            diagonal: fc.double({ min: 0, max: 1, noNaN: true }),
            dtype: dtypeArb,
          },
          ['columns', 'heads'],
          { columns: fc.constant(0).map(p.lists), dtype: badDtype, diagonal: fc.constantFrom(-0.1, 1.1) },
        ),
      ),
    ),
    call: (o) => new CrossStitch(o as never),
  },
  {
    name: 'CrossStitch.mlp',
    args: fc.tuple(
      options(
        {
          inputSize: small(1, 4),
          hidden: fc.array(small(1, 6), { minLength: 1, maxLength: 2 }),
          tasks: taskSizes,
          headHidden: widths(1),
          diagonal: fc.double({ min: 0, max: 1, noNaN: true }),
          ...common,
        },
        ['inputSize', 'hidden', 'tasks'],
        { ...edgyCommon, hidden: fc.constant([]) },
      ),
    ),
    call: (o) => CrossStitch.mlp(o as never),
    check: runsCheck,
  },
  {
    name: 'new DSelectKGate',
    args: fc.tuple(
      maybe(small(1, 4)),
      maybe(small(1, 5)),
      options(
        {
          k: small(1, 3),
          gamma: fc.double({ min: 0.01, max: 2, noNaN: true }),
          dtype: dtypeArb,
          generator: common.generator,
        },
        ['k'],
        { k: fc.constant(0), gamma: fc.constantFrom(0, Number.POSITIVE_INFINITY), dtype: badDtype },
      ),
    ),
    call: (i, e, o) => new DSelectKGate(i as never, e as never, o as never),
  },
  {
    name: 'new DSelectK',
    args: partsArb.chain((p) =>
      fc.tuple(
        options(
          {
            experts: layers(2, 2),
            gates: fc.constant(null).map(p.gates),
            towers: fc.constant(null).map(p.modules),
          },
          ['experts', 'gates', 'towers'],
          { experts: layers(0, 1), gates: fc.constant(null).map(p.modules) },
        ),
      ),
    ),
    call: (o) => new DSelectK(o as never),
  },
  {
    name: 'DSelectK.mlp',
    args: fc.tuple(
      options(
        {
          inputSize: small(1, 4),
          expertHidden: fc.array(small(1, 6), { minLength: 1, maxLength: 2 }),
          numExperts: small(1, 3),
          tasks: taskSizes,
          k: small(1, 2),
          gamma: fc.double({ min: 0.01, max: 2, noNaN: true }),
          towerHidden: widths(1),
          ...common,
        },
        ['inputSize', 'expertHidden', 'numExperts', 'tasks', 'k'],
        { ...edgyCommon, expertHidden: fc.constant([]), k: fc.constant(0) },
      ),
    ),
    call: (o) => DSelectK.mlp(o as never),
    check: runsCheck,
  },
];

function runsCheck(model: unknown, [o]: unknown[]): string | undefined {
  return runs(model, o);
}

describe('fuzz: @mtl/multitask data, metrics, datasets and architectures', () => {
  it('every call ends in a result or an MtlError, quickly, and valid results match reference loops', () => {
    const cases = [...metricCases, ...dataCases, ...datasetCases, ...architectureCases];
    const report = fuzz(cases, { runs: RUNS, seed: SEED, isTyped: (e) => e instanceof MtlError });
    console.log(formatFuzzReport('@mtl/multitask', report));
    expect(report.calls).toBeGreaterThanOrEqual(1500);
    expect(report.genericErrors + report.slow + report.wrong, formatDefects(report)).toBe(0);
    // Both outcomes are exercised: a suite whose calls all fail (or all pass) tests little.
    expect(report.results).toBeGreaterThan(report.calls / 5);
    expect(report.typedErrors).toBeGreaterThan(report.calls / 5);
  });

  it('penguins() is the same data every call, whatever is passed', () => {
    const a = penguins();
    const b = (penguins as (...args: unknown[]) => ReturnType<typeof penguins>)(null, 'x');
    expect(a.features.shape).toEqual([342, 6]);
    expect(Array.from(b.labels.species.data)).toEqual(Array.from(a.labels.species.data));
  });
});
