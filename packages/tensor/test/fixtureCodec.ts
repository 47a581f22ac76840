/**
 * Reading and comparing the reference fixtures written by `tools/reference/tensor.py`.
 *
 * A fixture tensor is `{ dtype, shape, data }` with flat row-major data; non-finite floats are the
 * strings "nan", "inf", "-inf" (also as plain number arguments); `null` in an argument list stands
 * for an omitted optional argument.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  compareTensor as compareFixture,
  decodeArg as decodeFixtureArg,
  decodeNumber,
  describeValue,
  type FixtureTensor,
  type FixtureValue,
  fixtureArray,
  isFixtureTensor,
  type Tolerance,
} from '../../../tools/testing/fixtureTensors';
import * as api from '../src/index';

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

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Every reference fixture file (format.json belongs to the printing tests and is skipped). */
export function loadFixtures(): { file: string; fixture: FixtureFile }[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'format.json')
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(FIXTURE_DIR + file, 'utf8')) as FixtureFile }));
}

/** A fixture tensor as an @mtl/tensor Tensor, built with `tensor(typedArray, { dtype, shape })`. */
export function decodeTensor(t: FixtureTensor): unknown {
  const make = (api as Record<string, unknown>).tensor;
  if (typeof make !== 'function') throw new Error('@mtl/tensor does not export `tensor` yet');
  return make(fixtureArray(t), { dtype: t.dtype, shape: [...t.shape] });
}

/** Decodes one argument, tensors as constants (see the shared `decodeArg`). */
export function decodeArg(v: unknown): unknown {
  return decodeFixtureArg(v, decodeTensor);
}

/** Calls `api[c.op](...args, options?)`; a missing export is an error, never a skip. */
export function callCase(c: FixtureCase): unknown {
  const fn = (api as Record<string, unknown>)[c.op];
  if (typeof fn !== 'function') throw new Error(`@mtl/tensor does not export \`${c.op}\``);
  const args = c.args.map(decodeArg);
  if (c.options !== undefined) args.push(decodeArg(c.options));
  return (fn as (...a: unknown[]) => unknown)(...args);
}

export const TOLERANCE: Record<'float32' | 'float64', Tolerance> = {
  float64: { rtol: 1e-12, atol: 1e-12 },
  float32: { rtol: 1e-6, atol: 1e-6 },
};

/** Compares with this package's tolerances (see `TOLERANCE`). */
export function compareTensor(
  got: unknown,
  exp: FixtureTensor,
  label: string,
  flipColumns = false,
): string | null {
  return compareFixture(got, exp, label, TOLERANCE, { flipColumns });
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

export { decodeNumber, type FixtureTensor, type FixtureValue, isFixtureTensor };
