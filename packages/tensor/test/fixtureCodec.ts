/**
 * Reading and comparing the reference fixtures written by `tools/reference/tensor.py`.
 *
 * A fixture tensor is `{ dtype, shape, data }` with flat row-major data; non-finite floats are the
 * strings "nan", "inf", "-inf" (also as plain number arguments); `null` in an argument list stands
 * for an omitted optional argument.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '../src/index';

export type FixtureDType = 'float32' | 'float64' | 'int32' | 'bool';
export type FixtureValue = number | boolean | string;

export interface FixtureTensor {
  dtype: FixtureDType;
  shape: number[];
  data: FixtureValue[];
}

export interface FixtureCase {
  name: string;
  op: string;
  args: unknown[];
  options?: Record<string, unknown>;
  out: FixtureTensor | FixtureTensor[];
}

export interface FixtureFile {
  generator: string;
  torch: string;
  cases: FixtureCase[];
}

/** The tensor-like surface the comparison reads. */
interface TensorLike {
  shape: ArrayLike<number>;
  dtype: string;
  data: ArrayLike<number>;
}

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Every reference fixture file (format.json belongs to the printing tests and is skipped). */
export function loadFixtures(): { file: string; fixture: FixtureFile }[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'format.json')
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(FIXTURE_DIR + file, 'utf8')) as FixtureFile }));
}

export function decodeNumber(v: FixtureValue): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  throw new Error(`fixture: cannot decode number ${JSON.stringify(v)}`);
}

export function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

function typedData(t: FixtureTensor): Float32Array | Float64Array | Int32Array | Uint8Array {
  const values = t.data.map(decodeNumber);
  switch (t.dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

/** A fixture tensor as an @mtl/tensor Tensor, built with `tensor(typedArray, { dtype, shape })`. */
export function decodeTensor(t: FixtureTensor): unknown {
  const make = (api as Record<string, unknown>).tensor;
  if (typeof make !== 'function') throw new Error('@mtl/tensor does not export `tensor` yet');
  return make(typedData(t), { dtype: t.dtype, shape: [...t.shape] });
}

/** Decodes one argument: tensors, arrays (of dims or of tensors), non-finite numbers, null → undefined. */
export function decodeArg(v: unknown): unknown {
  if (v === null) return undefined;
  if (isFixtureTensor(v)) return decodeTensor(v);
  if (Array.isArray(v)) return v.map(decodeArg);
  if (v === 'nan' || v === 'inf' || v === '-inf') return decodeNumber(v);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeArg(x);
    return out;
  }
  return v;
}

/** Calls `api[c.op](...args, options?)`; a missing export is an error, never a skip. */
export function callCase(c: FixtureCase): unknown {
  const fn = (api as Record<string, unknown>)[c.op];
  if (typeof fn !== 'function') throw new Error(`@mtl/tensor does not export \`${c.op}\``);
  const args = c.args.map(decodeArg);
  if (c.options !== undefined) args.push(decodeArg(c.options));
  return (fn as (...a: unknown[]) => unknown)(...args);
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const TOLERANCE: Record<'float32' | 'float64', Tolerance> = {
  float64: { rtol: 1e-12, atol: 1e-12 },
  float32: { rtol: 1e-6, atol: 1e-6 },
};

function isTensorLike(v: unknown): v is TensorLike {
  return typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v && 'data' in v;
}

function describeValue(v: unknown): string {
  if (isTensorLike(v)) return `Tensor(dtype=${v.dtype}, shape=[${Array.from(v.shape).join(',')}])`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  return `${typeof v} ${String(v)}`;
}

function fmt(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function preview(values: ArrayLike<number>, n = 8): string {
  const xs = Array.from(values).slice(0, n).map(fmt);
  return `[${xs.join(', ')}${values.length > n ? ', …' : ''}]`;
}

/** Values of `data` as plain numbers (bool → 0/1). */
function numbers(data: ArrayLike<number | boolean>): number[] {
  return Array.from(data, (x) => (typeof x === 'boolean' ? (x ? 1 : 0) : Number(x)));
}

/**
 * Compares `got` with the fixture tensor: same shape and dtype, values equal (ints, bools) or
 * within tolerance (floats; NaN equals NaN; infinities exact). `flipColumns` lets each column of a
 * matrix differ by a sign (eigenvectors). Returns a message, or null when they agree.
 */
export function compareTensor(
  got: unknown,
  exp: FixtureTensor,
  label: string,
  flipColumns = false,
): string | null {
  if (!isTensorLike(got)) return `${label}: expected a Tensor, got ${describeValue(got)}`;
  const gotShape = Array.from(got.shape);
  if (gotShape.length !== exp.shape.length || gotShape.some((s, i) => s !== exp.shape[i])) {
    return `${label}: shape [${gotShape.join(',')}], expected [${exp.shape.join(',')}]`;
  }
  if (got.dtype !== exp.dtype) return `${label}: dtype ${got.dtype}, expected ${exp.dtype}`;
  const want = exp.data.map(decodeNumber);
  let have = numbers(got.data as ArrayLike<number>);
  if (have.length !== want.length) {
    return `${label}: data has ${have.length} elements, expected ${want.length}`;
  }
  if (exp.dtype === 'bool') have = have.map((x) => (x ? 1 : 0));
  if (flipColumns && exp.shape.length === 2) {
    const [rows, cols] = exp.shape as [number, number];
    have = have.slice();
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += have[i * cols + j]! * want[i * cols + j]!;
      if (dot < 0) for (let i = 0; i < rows; i++) have[i * cols + j] = -have[i * cols + j]!;
    }
  }
  const tol = exp.dtype === 'float32' || exp.dtype === 'float64' ? TOLERANCE[exp.dtype] : null;
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const a = have[i]!;
    const e = want[i]!;
    let ok: boolean;
    if (tol === null) ok = a === e;
    else if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else {
      const err = Math.abs(a - e);
      ok = err <= tol.atol + tol.rtol * Math.abs(e);
      if (Number.isFinite(err)) worst = Math.max(worst, err);
      else if (!ok) worst = Number.POSITIVE_INFINITY;
    }
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad === 0) return null;
  return (
    `${label}: ${bad}/${want.length} elements differ (${exp.dtype}` +
    `${tol ? `, rtol ${tol.rtol}, atol ${tol.atol}, max |diff| ${worst}` : ''}); ` +
    `first at flat index ${first}: got ${fmt(have[first]!)}, expected ${fmt(want[first]!)}\n` +
    `  got      ${preview(have)}\n  expected ${preview(want)}`
  );
}

/** Compares a case's result with its `out` (one tensor, or a list for split/chunk/eigh). */
export function compareResult(c: FixtureCase, got: unknown): string | null {
  if (!Array.isArray(c.out)) return compareTensor(got, c.out, 'out');
  let parts: unknown = got;
  // eigh may return a named pair, as torch.linalg.eigh does
  if (c.op === 'eigh' && !Array.isArray(got) && typeof got === 'object' && got !== null) {
    const g = got as Record<string, unknown>;
    if ('eigenvalues' in g && 'eigenvectors' in g) parts = [g.eigenvalues, g.eigenvectors];
  }
  if (!Array.isArray(parts)) return `expected an array of ${c.out.length} tensors, got ${describeValue(got)}`;
  if (parts.length !== c.out.length) return `expected ${c.out.length} tensors, got ${parts.length}`;
  const errors: string[] = [];
  c.out.forEach((exp, i) => {
    const err = compareTensor(parts[i], exp, `out[${i}]`, c.op === 'eigh' && i === 1);
    if (err) errors.push(err);
  });
  return errors.length ? errors.join('\n') : null;
}
