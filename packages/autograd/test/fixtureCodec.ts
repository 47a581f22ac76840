/**
 * Reading and running the reference fixtures written by `tools/reference/autograd.py`.
 *
 * A fixture tensor is `{ dtype, shape, data }` with flat row-major data; non-finite floats are the
 * strings "nan", "inf", "-inf" (also as plain number arguments); `null` in an argument list stands
 * for an omitted optional argument. A case is
 *
 *     { name, op, args, options?, grad: boolean[], R: T | T[], out: T | T[], grads: (T | T[] | null)[] }
 *
 * `grad[i]` marks args[i] as a differentiable input (a Variable that requires grad; for a list of
 * tensors, as in concat/stack, every tensor of the list); the rest are constants (plain Tensors,
 * numbers, dims). `grads[i]` is d(Σ_j sum(out_j * R_j)) / d args[i] (null for a constant).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '@mtl/tensor';
import {
  compareTensor as compareFixture,
  decodeArg as decodeFixtureArg,
  decodeNumber,
  describeValue,
  type FixtureTensor,
  type FixtureValue,
  fixtureArray,
  isFixtureTensor,
  isTensorLike,
  type Tolerance,
} from '../../../tools/testing/fixtureTensors';
import * as api from '../src/index';

export interface FixtureCase {
  name: string;
  op: string;
  args: unknown[];
  options?: Record<string, unknown>;
  grad: boolean[];
  R: FixtureTensor | FixtureTensor[];
  out: FixtureTensor | FixtureTensor[];
  grads: (FixtureTensor | FixtureTensor[] | null)[];
}

export interface FixtureFile {
  generator: string;
  torch: string;
  cases: FixtureCase[];
}

type AnyFn = (...a: unknown[]) => unknown;

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Every reference fixture file. */
export function loadFixtures(): { file: string; fixture: FixtureFile }[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(FIXTURE_DIR + file, 'utf8')) as FixtureFile }));
}

/** A fixture tensor as an @mtl/tensor Tensor (a constant). */
export function decodeTensor(t: FixtureTensor): unknown {
  return tensor(fixtureArray(t), { dtype: t.dtype, shape: [...t.shape] });
}

/** Decodes one argument, tensors as constants (see the shared `decodeArg`). */
export function decodeArg(v: unknown): unknown {
  return decodeFixtureArg(v, decodeTensor);
}

function exported(name: string): AnyFn {
  const fn = (api as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`@mtl/autograd does not export \`${name}\``);
  return fn as AnyFn;
}

/** A differentiable input: `variable(tensor, { requiresGrad: true })`. */
function makeVariable(t: FixtureTensor): unknown {
  return exported('variable')(decodeTensor(t), { requiresGrad: true });
}

export interface BuiltCase {
  /** The arguments passed to the op (Variables, Tensors, numbers, …), options appended. */
  callArgs: unknown[];
  /** The differentiable inputs, in argument order (lists flattened). */
  inputs: unknown[];
}

/** Builds a case's arguments: differentiable tensor args become Variables, the rest constants. */
export function buildCase(c: FixtureCase): BuiltCase {
  if (c.grad.length !== c.args.length) {
    throw new Error(`fixture: ${c.name}: ${c.grad.length} grad flags for ${c.args.length} args`);
  }
  const inputs: unknown[] = [];
  const callArgs = c.args.map((a, i) => {
    if (!c.grad[i]) return decodeArg(a);
    if (isFixtureTensor(a)) {
      const v = makeVariable(a);
      inputs.push(v);
      return v;
    }
    if (Array.isArray(a) && a.every(isFixtureTensor)) {
      return a.map((t) => {
        const v = makeVariable(t);
        inputs.push(v);
        return v;
      });
    }
    throw new Error(`fixture: ${c.name}: differentiable arg ${i} is not a tensor or a list of tensors`);
  });
  if (c.options !== undefined) callArgs.push(decodeArg(c.options));
  return { callArgs, inputs };
}

/** Calls `api[c.op](...args, options?)`; a missing export is an error, never a skip. */
export function callOp(c: FixtureCase, callArgs: unknown[]): unknown {
  return exported(c.op)(...callArgs);
}

/** s = Σ_j sum(out_j * R_j), with the autograd package's own sum/mul/add. */
export function weightedSum(c: FixtureCase, out: unknown): unknown {
  const sum = exported('sum');
  const mul = exported('mul');
  const add = exported('add');
  if (Array.isArray(c.R)) {
    if (!Array.isArray(out))
      throw new Error(`expected an array of ${c.R.length} outputs, got ${describeValue(out)}`);
    if (out.length !== c.R.length) throw new Error(`expected ${c.R.length} outputs, got ${out.length}`);
    let s: unknown;
    c.R.forEach((r, j) => {
      const term = sum(mul(out[j], decodeTensor(r)));
      s = s === undefined ? term : add(s, term);
    });
    return s;
  }
  return sum(mul(out, decodeTensor(c.R)));
}

/** Runs a case end to end; returns the forward result and the gradients of every input. */
export function runCase(c: FixtureCase): { out: unknown; grads: unknown[] } {
  const { callArgs, inputs } = buildCase(c);
  const raw = callOp(c, callArgs);
  const out = c.op === 'eigh' ? alignEigh(c, raw) : raw;
  const s = weightedSum(c, out);
  const grads = exported('grad')([s], inputs) as unknown[];
  return { out, grads };
}

/**
 * eigh returns { eigenvalues, eigenvectors }; the fixture lists [eigenvalues, eigenvectors] with
 * torch's eigenvector signs, which are arbitrary while ours follow a convention. Flipping our
 * columns to torch's signs (a constant ±1 per column) makes both the values and the weighted
 * sum — hence the gradients — comparable.
 */
function alignEigh(c: FixtureCase, out: unknown): unknown[] {
  const { eigenvalues, eigenvectors } = out as {
    eigenvalues: unknown;
    eigenvectors: { value: { shape: number[]; dtype: string; data: ArrayLike<number> } };
  };
  const ours = eigenvectors.value;
  const theirs = (c.out as FixtureTensor[])[1]!.data.map(decodeNumber);
  const n = ours.shape[0]!;
  const signs = Array.from({ length: n }, (_, j) => {
    let dot = 0;
    for (let i = 0; i < n; i++)
      dot += Number((ours.data as ArrayLike<number>)[i * n + j]) * theirs[i * n + j]!;
    return dot < 0 ? -1 : 1;
  });
  return [
    eigenvalues,
    exported('mul')(eigenvectors, tensor([signs], { dtype: ours.dtype as 'float32' | 'float64' })),
  ];
}

export const TOLERANCE: Record<'float32' | 'float64', Tolerance> = {
  float64: { rtol: 1e-10, atol: 1e-10 },
  float32: { rtol: 1e-5, atol: 1e-5 },
};

/** Compares with this package's tolerances (see `TOLERANCE`). */
export function compareTensor(got: unknown, exp: FixtureTensor, label: string): string | null {
  return compareFixture(got, exp, label, TOLERANCE);
}

/** The Tensor behind a Variable (its `.value`), or the value itself. */
export function unwrapValue(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !isTensorLike(v) && 'value' in v)
    return (v as { value: unknown }).value;
  return v;
}

/** Compares the forward result (a Variable, or a list of them for split/chunk) with `out`. */
export function compareOut(c: FixtureCase, got: unknown): string | null {
  if (!Array.isArray(c.out)) return compareTensor(unwrapValue(got), c.out, 'out');
  if (!Array.isArray(got))
    return `out: expected an array of ${c.out.length} tensors, got ${describeValue(got)}`;
  if (got.length !== c.out.length) return `out: expected ${c.out.length} tensors, got ${got.length}`;
  const errors: string[] = [];
  c.out.forEach((exp, i) => {
    const err = compareTensor(unwrapValue(got[i]), exp, `out[${i}]`);
    if (err) errors.push(err);
  });
  return errors.length ? errors.join('\n') : null;
}

/** Compares the flat list of gradients `grad()` returned with the case's per-argument `grads`. */
export function compareGrads(c: FixtureCase, got: unknown[]): string | null {
  const expected: { exp: FixtureTensor; label: string }[] = [];
  c.grads.forEach((g, i) => {
    if (g === null) return;
    if (!Array.isArray(g)) {
      expected.push({ exp: g, label: `grads[${i}]` });
      return;
    }
    for (const [j, t] of g.entries()) expected.push({ exp: t, label: `grads[${i}][${j}]` });
  });
  if (!Array.isArray(got))
    return `grad() returned ${describeValue(got)}, expected an array of ${expected.length}`;
  if (got.length !== expected.length)
    return `grad() returned ${got.length} gradients, expected ${expected.length}`;
  const errors: string[] = [];
  expected.forEach(({ exp, label }, k) => {
    const err = compareTensor(unwrapValue(got[k]), exp, label);
    if (err) errors.push(err);
  });
  return errors.length ? errors.join('\n') : null;
}

export { decodeNumber, type FixtureTensor, type FixtureValue, isFixtureTensor };
