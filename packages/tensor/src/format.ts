/**
 * `formatTensor`: the text of `Tensor.toString()`, laid out exactly as PyTorch 1.13's `str(tensor)`
 * (`torch/_tensor_str.py` with the default print options) except that dtypes carry our names
 * (`dtype=float64`, not `dtype=torch.float64`). Matching PyTorch character for character means a
 * user comparing our output with theirs sees the same numbers in the same places, and the
 * fixture test (`test/fixtures/format.json`, from `tools/reference/format.py`) can assert equality.
 */
import { type DType, isBackingArray, type TypedArray } from './dtype';
import { DTypeError, formatShape, formatValue, ShapeError } from './errors';
import { requireDType, requireShape } from './validate';

// PyTorch's default print options (`torch.set_printoptions(profile='default')`).
const PRECISION = 4;
/** More elements than this and the tensor is summarised with `...`. */
const THRESHOLD = 1000;
/** Items kept at each end of a summarised dimension. */
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

const PREFIX = 'tensor(';

/**
 * Formats a row-major, contiguous tensor the way PyTorch 1.13 prints it:
 *
 * ```text
 * tensor([[ 0.1894, -0.2190],
 *         [ 1.0000e-05, ...]])       nested brackets, one common width per tensor
 * tensor([1., 2., 3.])               all-integral floats print in "int mode"
 * tensor([1.0000e-05, 1.0000e+09])   scientific when max/min > 1000, max > 1e8 or min < 1e-4
 * tensor([0, ..., 999], dtype=int32) more than 1000 elements: 3 edge items per dimension
 * tensor([], size=(2, 0))            empty tensors print their size unless 1-d
 * ```
 *
 * The dtype is printed when PyTorch would print it for the matching torch dtype: float32 is the
 * default and is omitted, as is bool (PyTorch omits its default int and bool types); float64 and
 * int32 are shown. Empty tensors show every dtype but float32, as PyTorch does. Lines wrap at 80
 * columns and numbers round half to even, as Python's `format` does.
 *
 * @param data the elements in row-major order (bool as 0/1 bytes); exactly `prod(shape)` of them
 * @param shape the dimensions; `[]` is a 0-d tensor
 * @param dtype decides the number format and the `dtype=` suffix
 * @throws ShapeError if the shape has a negative or fractional size, or `data` has the wrong length
 */
export function formatTensor(data: TypedArray, shape: readonly number[], dtype: DType): string {
  if (!isBackingArray(data)) {
    throw new DTypeError(
      `formatTensor: data must be a Float32Array, Float64Array, Int32Array or Uint8Array — got ${formatValue(data)}`,
    );
  }
  requireShape('formatTensor', 'shape', shape);
  requireDType('formatTensor', 'dtype', dtype ?? null, 'float32');
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`formatTensor: sizes must be non-negative integers — shape=${formatShape(shape)}`);
    }
    size *= d;
  }
  if (data.length !== size) {
    throw new ShapeError(
      `formatTensor: data has ${data.length} elements but shape=${formatShape(shape)} needs ${size}`,
    );
  }

  const indent = PREFIX.length;
  const suffixes: string[] = [];
  let body: string;
  if (size === 0) {
    // PyTorch prints the size of an empty tensor unless it is 1-d, to tell [0, 3] from [3, 0];
    // with no elements to show, any dtype but the default is named (even bool).
    if (shape.length !== 1) suffixes.push(`size=${pythonTuple(shape)}`);
    if (dtype !== 'float32') suffixes.push(`dtype=${dtype}`);
    body = '[]';
  } else {
    if (dtype === 'float64' || dtype === 'int32') suffixes.push(`dtype=${dtype}`);
    body = tensorBody(data, shape, dtype, indent);
  }
  return addSuffixes(PREFIX + body, suffixes, indent);
}

/** The bracketed elements (`_tensor_str`), for a non-empty tensor. */
function tensorBody(data: TypedArray, shape: readonly number[], dtype: DType, indent: number): string {
  const rank = shape.length;
  const summarize = data.length > THRESHOLD;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  // The elements each dimension shows: all of them, or EDGE_ITEMS at each end with -1 marking `...`.
  const shown = (dim: number): number[] => {
    const n = shape[dim]!;
    if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
    const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
    const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
    return [...head, -1, ...tail];
  };

  // The common width comes only from the elements that are shown (`get_summarized_data`), so a
  // huge value hidden behind `...` does not widen or switch the format of the visible ones.
  const visible: number[] = [];
  const collect = (dim: number, offset: number): void => {
    if (dim === rank) {
      visible.push(data[offset]!);
      return;
    }
    for (const i of shown(dim)) if (i >= 0) collect(dim + 1, offset + i * strides[dim]!);
  };
  collect(0, 0);
  const formatter = new Formatter(visible, dtype);

  const render = (dim: number, offset: number, ind: number): string => {
    if (rank === 0) return formatter.format(data[0]!);
    if (dim === rank - 1) {
      const items = shown(dim).map((i) =>
        i < 0 ? ' ...' : formatter.format(data[offset + i * strides[dim]!]!),
      );
      return vectorString(items, ind, formatter.width);
    }
    const slices = shown(dim).map((i) =>
      i < 0 ? '...' : render(dim + 1, offset + i * strides[dim]!, ind + 1),
    );
    // One blank line between 3-d blocks, two between 4-d blocks, …: `"\n" * (dim - 1)` in PyTorch.
    return `[${slices.join(`,${'\n'.repeat(rank - dim - 1)}${' '.repeat(ind + 1)}`)}]`;
  };
  return render(0, 0, indent);
}

/** One innermost row (`_vector_str`): as many elements per line as fit in LINE_WIDTH. */
function vectorString(items: string[], indent: number, width: number): string {
  // Each element takes its width plus ", "; PyTorch counts that even for the last one on a line.
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/**
 * `_add_suffixes`: appends `, size=…`, `, dtype=…`, wrapping onto a new line when the last line
 * would pass LINE_WIDTH. PyTorch measures the last line as `len - rfind('\n') + 1`, two more than
 * its real length (and its whole length plus 2 when there is no newline); we keep that quirk
 * because it decides where the suffix goes.
 */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLength = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLength += suffix.length + 2;
    }
  }
  return `${out})`;
}

/** Python's `str(tuple(shape))`: `(2, 0)`, and `(0,)` for one element. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * `_Formatter`: picks one format and one width for all the elements of a tensor, from the
 * elements that are shown.
 */
class Formatter {
  readonly width: number;
  private readonly floating: boolean;
  private readonly isBool: boolean;
  private readonly intMode: boolean = true;
  private readonly sciMode: boolean = false;

  constructor(values: readonly number[], dtype: DType) {
    this.floating = dtype === 'float32' || dtype === 'float64';
    this.isBool = dtype === 'bool';
    let width = 1;
    if (!this.floating) {
      for (const v of values) width = Math.max(width, this.plain(v).length);
      this.width = width;
      return;
    }
    // Zeros, nan and inf say nothing about the scale, so only nonzero finite values choose the
    // mode and the width; a nan wider than the width is simply printed unpadded, as in PyTorch.
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) {
      this.width = width;
      return;
    }
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    // Ratios and cut-offs are computed in float64, as PyTorch converts to double first; a float32
    // 1e-4 is 9.99999974e-05 and so counts as below 1e-4.
    const wideRange = max / min > 1000 || max > 1e8;
    if (this.intMode) {
      this.sciMode = wideRange;
      for (const v of finite) {
        // In int mode the printed `1.` carries a point that the `{:.0f}` width does not count.
        const w = this.sciMode ? pyExponential(v, PRECISION).length : pyFixed(v, 0).length + 1;
        width = Math.max(width, w);
      }
    } else {
      this.sciMode = wideRange || min < 1e-4;
      for (const v of finite) {
        const w = this.sciMode ? pyExponential(v, PRECISION).length : pyFixed(v, PRECISION).length;
        width = Math.max(width, w);
      }
    }
    this.width = width;
  }

  /** One element, right-aligned to the common width. */
  format(value: number): string {
    let text: string;
    if (!this.floating) text = this.plain(value);
    else if (this.sciMode) text = pyExponential(value, PRECISION);
    else if (this.intMode) text = pyFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    else text = pyFixed(value, PRECISION);
    return text.padStart(this.width);
  }

  /** Python's `str()` of an int or a bool. */
  private plain(value: number): string {
    if (this.isBool) return value !== 0 ? 'True' : 'False';
    return String(value);
  }
}

/**
 * Python's `'{:.Nf}'.format(x)`. Not `toFixed`: that rounds exact halves up (0.03125 → 0.0313),
 * Python rounds them to even (0.0312), so we round the exact binary value with BigInt.
 */
function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const negative = x < 0 || Object.is(x, -0);
  let n = 0n;
  if (x !== 0) {
    const [m, e] = decompose(x);
    const scaled = m * 10n ** BigInt(digits);
    n = e >= 0 ? scaled << BigInt(e) : divideRoundHalfEven(scaled, 1n << BigInt(-e));
  }
  const s = n.toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits);
  const text = digits > 0 ? `${whole}.${s.slice(s.length - digits)}` : whole;
  // Python keeps the sign of negatives that round to zero (-0.0000) and of -0.0.
  return negative ? `-${text}` : text;
}

/**
 * Python's `'{:.Ne}'.format(x)`: `1.2342e+05`, at least two exponent digits, exact halves to even
 * (`toExponential` would round 123425 up to 1.2343e+5).
 */
function pyExponential(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  let n = 0n;
  let exponent = 0;
  if (x !== 0) {
    const [m, e] = decompose(x);
    const low = 10n ** BigInt(digits);
    const high = low * 10n;
    // log10 only guesses the exponent; the exact check below corrects it by one either way,
    // including when rounding carries 9.99995 up to 10.000.
    exponent = Math.floor(Math.log10(Math.abs(x)));
    for (;;) {
      let num = m;
      let den = 1n;
      if (e >= 0) num <<= BigInt(e);
      else den <<= BigInt(-e);
      const k = exponent - digits;
      if (k >= 0) den *= 10n ** BigInt(k);
      else num *= 10n ** BigInt(-k);
      n = divideRoundHalfEven(num, den);
      if (n >= high) exponent++;
      else if (n < low) exponent--;
      else break;
    }
  }
  const s = n.toString().padStart(digits + 1, '0');
  const mantissa = digits > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const expText = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expText}`;
}

/** Python prints `nan` without a sign, and `inf` / `-inf`. */
function nonFinite(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

/** |x| = m · 2^e exactly, for finite nonzero x (m an integer below 2^53). */
function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Subnormals have no implicit leading bit and the smallest exponent.
  if (biased === 0) return [fraction, -1074];
  return [fraction | (1n << 52n), biased - 1075];
}

/** num / den rounded to the nearest integer, ties to even (num, den > 0). */
function divideRoundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n;
  return q;
}
