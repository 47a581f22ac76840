/**
 * Reading and comparing the reference fixtures written by `tools/reference/optim.py` (its
 * docstring describes the format): optimizer trajectories (optim.json) and clipping cases
 * (clip.json).
 *
 * A fixture tensor is `{ dtype, shape, data }` with flat row-major data; non-finite floats are the
 * strings "nan", "inf", "-inf".
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor } from '@mtl/tensor';

export type FloatDType = 'float32' | 'float64';
export type FixtureNumber = number | 'nan' | 'inf' | '-inf';

export interface FixtureTensor {
  dtype: FloatDType;
  shape: number[];
  data: FixtureNumber[];
}

/** A parameter's optimizer state: `step` as a number, buffers as tensors, with our camelCase keys. */
export type FixtureState = Record<string, number | FixtureTensor>;

export interface FixtureGroup {
  params: number[];
  [option: string]: unknown;
}

export interface Trajectory {
  name: string;
  optimizer: 'SGD' | 'Momentum' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  kind: 'recorded' | 'function';
  dtype: FloatDType;
  options: Record<string, unknown>;
  groups: FixtureGroup[] | null;
  /** The gradient fed to the optimizer is sign·∇f (function trajectories; −1 with maximize). */
  sign: 1 | -1;
  /** Steps whose gradients are all zeros. */
  zeroSteps: number[];
  init: FixtureTensor[];
  /** recorded trajectories: grads[k][i] for parameter i at step k (null: no gradient). */
  grads?: (FixtureTensor | null)[][];
  /** params[k][i]: parameter i after step k + 1. */
  params: FixtureTensor[][];
  /** The final state of every parameter (null: none). */
  state: (FixtureState | null)[];
}

/** f(x, y) = ½‖A x + B y − b‖² + quartic·(Σx⁴ + Σy⁴). */
export interface Problem {
  A: FixtureTensor;
  B: FixtureTensor;
  b: FixtureTensor;
  quartic: number;
}

export interface OptimFixture {
  generator: string;
  torch: string;
  problem: Problem;
  trajectories: Trajectory[];
}

export interface ClipCase {
  name: string;
  fn: 'clipGradNorm' | 'clipGradValue';
  dtype: FloatDType;
  grads: (FixtureTensor | null)[];
  maxNorm?: number;
  normType?: FixtureNumber;
  clipValue?: number;
  totalNorm?: FixtureNumber;
  out: (FixtureTensor | null)[];
}

export interface ClipFixture {
  generator: string;
  torch: string;
  cases: ClipCase[];
}

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(FIXTURE_DIR + file, 'utf8')) as T;
}

export function loadOptimFixture(): OptimFixture {
  return readJson<OptimFixture>('optim.json');
}

export function loadClipFixture(): ClipFixture {
  return readJson<ClipFixture>('clip.json');
}

export function decodeNumber(v: FixtureNumber): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  if (typeof v === 'number') return v;
  throw new Error(`fixture: cannot decode number ${JSON.stringify(v)}`);
}

/** A fixture tensor as an @mtl/tensor Tensor, in `dtype` (default: its own). */
export function decodeTensor(t: FixtureTensor, dtype: FloatDType = t.dtype): Tensor {
  const values = t.data.map(decodeNumber);
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return tensor(data, { dtype, shape: [...t.shape] });
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const TOLERANCE: Record<FloatDType, Tolerance> = {
  float64: { rtol: 1e-12, atol: 1e-14 },
  float32: { rtol: 1e-5, atol: 1e-6 },
};

export function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

function fmt(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function preview(values: ArrayLike<number>, n = 6): string {
  const xs = Array.from(values).slice(0, n).map(fmt);
  return `[${xs.join(', ')}${values.length > n ? ', …' : ''}]`;
}

/** Whether `got` is within tolerance of `want` (NaN equals NaN; infinities exact). */
export function closeNumber(got: number, want: number, tol: Tolerance): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

/**
 * Compares a tensor with the fixture tensor: same shape and dtype, values within the dtype's
 * tolerance. Returns a message, or null when they agree.
 *
 * `normwise` measures the relative error against the tensor's largest magnitude instead of each
 * element's (|got − exp| ≤ atol + rtol·max|exp|). It is for float32 optimizer state: a momentum
 * buffer is a sum of terms of alternating sign, so a small element of it carries the rounding
 * error of its large terms (torch's own float32 buffer differs from its float64 one by as much).
 */
export function compareTensor(
  got: unknown,
  exp: FixtureTensor,
  label: string,
  normwise = false,
): string | null {
  if (typeof got !== 'object' || got === null || !('data' in got) || !('shape' in got) || !('dtype' in got)) {
    return `${label}: expected a Tensor, got ${String(got)}`;
  }
  const t = got as Tensor;
  const shape = Array.from(t.shape);
  if (shape.length !== exp.shape.length || shape.some((s, i) => s !== exp.shape[i])) {
    return `${label}: shape [${shape.join(',')}], expected [${exp.shape.join(',')}]`;
  }
  if (t.dtype !== exp.dtype) return `${label}: dtype ${t.dtype}, expected ${exp.dtype}`;
  const want = exp.data.map(decodeNumber);
  const have = Array.from(t.data as ArrayLike<number>);
  if (have.length !== want.length) return `${label}: ${have.length} elements, expected ${want.length}`;
  let tol = TOLERANCE[exp.dtype];
  if (normwise) {
    const scale = want.reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
    tol = { rtol: 0, atol: tol.atol + tol.rtol * scale };
  }
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const a = have[i]!;
    const e = want[i]!;
    if (Number.isFinite(e) && Number.isFinite(a))
      worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(e), 1e-300));
    if (!closeNumber(a, e, tol)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad === 0) return null;
  return (
    `${label}: ${bad}/${want.length} elements differ (${exp.dtype}, rtol ${tol.rtol}, atol ${tol.atol}, ` +
    `max rel diff ${worst.toExponential(2)}); first at flat index ${first}: got ${fmt(have[first]!)}, ` +
    `expected ${fmt(want[first]!)}\n  got      ${preview(have)}\n  expected ${preview(want)}`
  );
}
