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
import {
  closeNumber,
  compareTensor as compareShared,
  decodeNumber,
  isFixtureTensor,
  type Tolerance,
} from '../../../tools/testing/fixtureTensors';

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

/** A fixture tensor as an @mtl/tensor Tensor, in `dtype` (default: its own). */
export function decodeTensor(t: FixtureTensor, dtype: FloatDType = t.dtype): Tensor {
  const values = t.data.map(decodeNumber);
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return tensor(data, { dtype, shape: [...t.shape] });
}

export const TOLERANCE: Record<FloatDType, Tolerance> = {
  float64: { rtol: 1e-12, atol: 1e-14 },
  float32: { rtol: 1e-5, atol: 1e-6 },
};

/**
 * Compares a tensor with the fixture tensor (the shared comparison, at this package's
 * tolerances); `normwise` for float32 optimizer state (see the shared `compareTensor`).
 */
export function compareTensor(
  got: unknown,
  exp: FixtureTensor,
  label: string,
  normwise = false,
): string | null {
  return compareShared(got, exp, label, TOLERANCE, { normwise });
}

export { closeNumber, decodeNumber, isFixtureTensor, type Tolerance };
