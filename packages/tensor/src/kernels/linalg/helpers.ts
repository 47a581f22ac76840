/**
 * Small helpers shared by the linear-algebra kernels (internal; not re-exported): argument checks
 * that throw the typed errors every @mtl message uses (`op: problem — a.shape=[3,3]; hint`),
 * scaling, transposition and the sign convention of singular and eigen vectors.
 */
import { formatShape, LinAlgError, ShapeError } from '../../errors';

/** Throws ShapeError unless `rows`×`cols` are non-negative integers and `data` holds exactly that many values. */
export function checkMatrixSize(
  op: string,
  name: string,
  data: Float64Array,
  rows: number,
  cols: number,
): void {
  const shape = formatShape([rows, cols]);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`${op}: sizes must be non-negative integers — ${name}.shape=${shape}`);
  }
  if (data.length !== rows * cols) {
    throw new ShapeError(
      `${op}: ${name} holds ${data.length} values but its shape needs ${rows * cols} — ${name}.shape=${shape}`,
    );
  }
}

/**
 * Throws LinAlgError if `data` (or, with `lowerOnly`, its lower triangle with the diagonal)
 * holds a NaN or an infinity. Pivoting and convergence tests compare magnitudes, and every
 * comparison with NaN is false, so such input would otherwise come back as silent garbage or
 * keep an iteration from ever converging.
 */
export function checkFinite(
  op: string,
  name: string,
  data: Float64Array,
  rows: number,
  cols: number,
  lowerOnly = false,
): void {
  for (let r = 0; r < rows; r++) {
    const end = lowerOnly ? Math.min(r + 1, cols) : cols;
    for (let c = 0; c < end; c++) {
      const x = data[r * cols + c]!;
      if (!Number.isFinite(x)) {
        throw new LinAlgError(
          `${op}: ${name} contains ${x} at [${r},${c}] — ${name}.shape=${formatShape([rows, cols])}; ` +
            'linear algebra needs finite input',
        );
      }
    }
  }
}

/**
 * The power of two nearest below the largest |entry| (1 for an all-zero matrix). Dividing by it
 * is exact and brings the entries near 1, so the iterations can square and multiply entries
 * without overflow or underflow whatever the input's scale.
 */
export function powerOfTwoScale(data: Float64Array): number {
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const x = Math.abs(data[i]!);
    if (x > max) max = x;
  }
  if (max === 0) return 1;
  return 2 ** Math.floor(Math.log2(max));
}

/**
 * Flips the sign of the length-`len` vector at `data[offset + k·stride]` so that its
 * largest-magnitude component is positive; a near-tie (within 1e-8 relative, i.e. rounding
 * noise) goes to the lowest index, so the choice does not hinge on the last bit. Returns -1 if it
 * flipped the vector and 1 otherwise, so a caller can flip a partner vector too.
 */
export function fixSign(data: Float64Array, offset: number, stride: number, len: number): number {
  let max = 0;
  for (let k = 0; k < len; k++) max = Math.max(max, Math.abs(data[offset + k * stride]!));
  const threshold = max * (1 - 1e-8);
  for (let k = 0; k < len; k++) {
    const x = data[offset + k * stride]!;
    if (Math.abs(x) >= threshold) {
      if (x >= 0) return 1;
      for (let j = 0; j < len; j++) data[offset + j * stride] = -data[offset + j * stride]!;
      return -1;
    }
  }
  return 1;
}

/** The transpose of the rows×cols row-major matrix `a`, as a new cols×rows row-major array. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}
