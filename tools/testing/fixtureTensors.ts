/**
 * The tensor part of the PyTorch reference fixtures, shared by every package's reference tests:
 * a fixture tensor is `{ dtype, shape, data }` with flat row-major data, non-finite floats written
 * as "nan", "inf", "-inf" and bools as true/false. Nothing here imports @mtl packages (this file
 * lives outside them), so decoded data comes back as typed arrays for the caller to wrap.
 */

export type FixtureDType = 'float32' | 'float64' | 'int32' | 'bool';
export type FixtureValue = number | boolean | string;

export interface FixtureTensor {
  dtype: FixtureDType;
  shape: number[];
  data: FixtureValue[];
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** What `compareTensor` accepts as the value under test: anything shaped like a Tensor. */
interface TensorLike {
  shape: ArrayLike<number>;
  dtype: string;
  data: ArrayLike<number>;
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

/** The fixture's values in the typed array of its dtype. */
export function fixtureArray(t: FixtureTensor): Float32Array | Float64Array | Int32Array | Uint8Array {
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

export function isTensorLike(v: unknown): v is TensorLike {
  return typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v && 'data' in v;
}

export function describeValue(v: unknown): string {
  if (isTensorLike(v)) return `Tensor(dtype=${v.dtype}, shape=[${Array.from(v.shape).join(',')}])`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (v === null) return 'null';
  if (typeof v === 'object') return `${v.constructor?.name ?? 'object'}`;
  return `${typeof v} ${String(v)}`;
}

function fmt(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function preview(values: ArrayLike<number>, n = 8): string {
  const xs = Array.from(values).slice(0, n).map(fmt);
  return `[${xs.join(', ')}${values.length > n ? ', …' : ''}]`;
}

/**
 * Compares `got` with the fixture tensor: same shape and dtype, values equal (ints, bools) or
 * within the dtype's tolerance (floats; NaN equals NaN; infinities exact). `flipColumns` lets
 * each column of a matrix differ by a sign (eigenvectors). Returns a message naming the first
 * and worst differences, or null when they agree.
 *
 * `normwise` measures the error against the tensor's largest magnitude instead of each
 * element's (|got − exp| ≤ atol + rtol·max|exp|). It is for float32 optimizer state: a momentum
 * buffer is a sum of terms of alternating sign, so a small element of it carries the rounding
 * error of its large terms (torch's own float32 buffer differs from its float64 one by as much).
 */
export function compareTensor(
  got: unknown,
  exp: FixtureTensor,
  label: string,
  tolerances: Record<'float32' | 'float64', Tolerance>,
  { flipColumns = false, normwise = false }: { flipColumns?: boolean; normwise?: boolean } = {},
): string | null {
  if (!isTensorLike(got)) return `${label}: expected a Tensor, got ${describeValue(got)}`;
  const gotShape = Array.from(got.shape);
  if (gotShape.length !== exp.shape.length || gotShape.some((s, i) => s !== exp.shape[i])) {
    return `${label}: shape [${gotShape.join(',')}], expected [${exp.shape.join(',')}]`;
  }
  if (got.dtype !== exp.dtype) return `${label}: dtype ${got.dtype}, expected ${exp.dtype}`;
  const want = exp.data.map(decodeNumber);
  let have = Array.from(got.data as ArrayLike<number | boolean>, (x) =>
    typeof x === 'boolean' ? (x ? 1 : 0) : Number(x),
  );
  if (have.length !== want.length)
    return `${label}: data has ${have.length} elements, expected ${want.length}`;
  if (exp.dtype === 'bool') have = have.map((x) => (x ? 1 : 0));
  if (flipColumns && exp.shape.length === 2) {
    const [rows, cols] = exp.shape as [number, number];
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += have[i * cols + j]! * want[i * cols + j]!;
      if (dot < 0) for (let i = 0; i < rows; i++) have[i * cols + j] = -have[i * cols + j]!;
    }
  }
  let tol = exp.dtype === 'float32' || exp.dtype === 'float64' ? tolerances[exp.dtype] : null;
  if (tol !== null && normwise) {
    const scale = want.reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
    tol = { rtol: 0, atol: tol.atol + tol.rtol * scale };
  }
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const a = have[i]!;
    const e = want[i]!;
    const ok = tol === null ? a === e : closeNumber(a, e, tol);
    if (tol !== null && Number.isFinite(e)) {
      const err = Math.abs(a - e);
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

/** Whether `got` is within tolerance of `want` (NaN equals NaN; infinities exact). */
export function closeNumber(got: number, want: number, tol: Tolerance): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

/**
 * Decodes one fixture argument: tensors (built by `makeTensor`), arrays (of dims or of tensors),
 * objects (option bags), the non-finite number strings; JSON null stands for undefined.
 */
export function decodeArg(v: unknown, makeTensor: (t: FixtureTensor) => unknown): unknown {
  if (v === null) return undefined;
  if (isFixtureTensor(v)) return makeTensor(v);
  if (Array.isArray(v)) return v.map((x) => decodeArg(x, makeTensor));
  if (v === 'nan' || v === 'inf' || v === '-inf') return decodeNumber(v);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeArg(x, makeTensor);
    return out;
  }
  return v;
}
