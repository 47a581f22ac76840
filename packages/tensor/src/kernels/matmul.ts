/**
 * The matrix-multiply kernel: `out[m×n] = A[m×k] · B[k×n]` on flat, row-major typed arrays.
 *
 * It knows nothing about tensors. The `matmul` op validates shapes, promotes dtypes and calls it
 * once per (broadcast) batch element with offsets into the batched buffers.
 *
 * Floating point (float32 and float64 arrays) goes through a GotoBLAS-style blocked kernel:
 * for each block of B (KC×NC) and of A (MC×KC), the operands are packed into one Float64Array
 * as micro-panels (MR rows of A / NR columns of B, stored depth-major, zero-padded at the edges),
 * and a 4×4 register-blocked micro-kernel runs over them: an outer-product update per step of
 * k, i.e. i-k-j order with i and j unrolled into 16 local accumulators. Packing is also where
 * transposes are absorbed (the packer reads whichever way is contiguous), so all four
 * transpose combinations run the same inner loop. Sums are kept in float64 across k-blocks
 * (a float64 accumulator panel) and rounded once when stored, so float32 results are the
 * correctly rounded float64 sums (closer to the exact product than PyTorch's float32
 * accumulation). Matrix-vector products (m = 1 or n = 1) skip packing: they are memory-bound.
 *
 * int32 uses its own blocked i-k-j loop with `Math.imul` and `| 0`: products and sums wrap
 * modulo 2^32 exactly as two's-complement int32 arithmetic does (what PyTorch's int32 matmul
 * gives in practice), independent of summation order.
 *
 * Scratch buffers live at module level and grow on demand; their size is bounded by the block
 * sizes, not by the problem size. The kernel is synchronous and not re-entrant across the
 * packing phase, which is fine on one JS thread (each worker has its own module instance).
 */

/** The typed arrays the kernel accepts. */
export type MatmulArray = Float32Array | Float64Array | Int32Array;

/** Register tile: rows of A and columns of B per micro-kernel call (the kernel is written for 4×4). */
const MR = 4;
const NR = 4;
/** Depth of a packed block: an A micro-panel (KC×MR) and a B micro-panel (KC×NR) stay in L1. */
const KC = 256;
/** Rows of A per packed block (MC×KC doubles = 128 KiB, L2-resident while B micro-panels stream). */
const MC = 64;
/** Columns of B per packed block (KC×NC doubles = 512 KiB, L2-resident). */
const NC = 256;
/** Rows of A per outer pass; bounds the float64 accumulator panel at MB×NC doubles. */
const MB = 512;

let pack = new Float64Array(0);
let acc = new Float64Array(0);
let ipack = new Int32Array(0);

function packBuffer(size: number): Float64Array {
  if (pack.length < size) pack = new Float64Array(size);
  return pack;
}

function accBuffer(size: number): Float64Array {
  if (acc.length < size) acc = new Float64Array(size);
  return acc;
}

function intPackBuffer(size: number): Int32Array {
  if (ipack.length < size) ipack = new Int32Array(size);
  return ipack;
}

/**
 * `out[outOffset + i*n + j] = Σ_p A[i,p]·B[p,j]` for `i < m`, `j < n` (overwrites; k = 0 gives
 * zeros).
 *
 * @param a A stored row-major from `aOffset`: m×k, or k×m when `transA` (a holds Aᵀ).
 * @param b B stored row-major from `bOffset`: k×n, or n×k when `transB` (b holds Bᵀ).
 * @param out m×n row-major from `outOffset`; must not overlap `a` or `b`.
 * @param transA `a` holds Aᵀ (k×m row-major), e.g. a transposed view that was not copied.
 * @param transB `b` holds Bᵀ (n×k row-major), e.g. a Linear layer's `[out, in]` weight.
 *
 * All three arrays have the same type. Float32 sums are accumulated in float64 and rounded
 * once; float64 is summed in float64 (blocked order, so it may differ from a naive loop in the
 * last bits); int32 wraps modulo 2^32. Throws a RangeError if a region runs past its array.
 */
export function matmulKernel<T extends MatmulArray>(
  a: T,
  aOffset: number,
  b: T,
  bOffset: number,
  out: T,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  checkRegion('a', a, aOffset, m * k);
  checkRegion('b', b, bOffset, k * n);
  checkRegion('out', out, outOffset, m * n);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return;
  }
  if (out instanceof Int32Array) {
    matmulInt32(a as Int32Array, aOffset, b as Int32Array, bOffset, out, outOffset, m, k, n, transA, transB);
  } else if (m === 1) {
    // A is a row vector; its storage is the same with or without transA.
    if (transB) dotRows(b, bOffset, a, aOffset, out, outOffset, n, k);
    else axpyRows(a, aOffset, b, bOffset, out, outOffset, k, n);
  } else if (n === 1) {
    // B is a column vector; its storage is the same with or without transB.
    if (transA) axpyRows(b, bOffset, a, aOffset, out, outOffset, k, m);
    else dotRows(a, aOffset, b, bOffset, out, outOffset, m, k);
  } else {
    gemmFloat(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
  }
}

function checkRegion(name: string, array: MatmulArray, offset: number, size: number): void {
  if (!(Number.isInteger(offset) && offset >= 0 && offset + size <= array.length)) {
    throw new RangeError(
      `matmulKernel: ${name} needs ${size} elements from offset ${offset}, but its length is ${array.length}`,
    );
  }
}

/** The blocked, packed float path (see the module comment). */
function gemmFloat(
  a: MatmulArray,
  aOffset: number,
  b: MatmulArray,
  bOffset: number,
  out: MatmulArray,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // Element (i, p) of A is a[aOffset + i*aRow + p*aCol]; (p, j) of B is b[bOffset + p*bRow + j*bCol].
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const kcMax = Math.min(KC, k);
  const mcMax = roundUp(Math.min(MC, m), MR);
  const ncMax = roundUp(Math.min(NC, n), NR);
  const buf = packBuffer(mcMax * kcMax + kcMax * ncMax);
  const bBase = mcMax * kcMax;
  const c = accBuffer(roundUp(Math.min(MB, m), MR) * ncMax);

  for (let i0 = 0; i0 < m; i0 += MB) {
    const mb = Math.min(MB, m - i0);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = Math.min(NC, n - j0);
      const ldc = roundUp(nc, NR);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        const first = p0 === 0;
        packPanel(b, bOffset + p0 * bRow + j0 * bCol, nc, bCol, bRow, kc, NR, buf, bBase);
        for (let ii = 0; ii < mb; ii += MC) {
          const mc = Math.min(MC, mb - ii);
          packPanel(a, aOffset + (i0 + ii) * aRow + p0 * aCol, mc, aRow, aCol, kc, MR, buf, 0);
          const aStrip = kc * MR;
          const bStrip = kc * NR;
          for (let jr = 0, bi = bBase; jr < nc; jr += NR, bi += bStrip) {
            let ci = ii * ldc + jr;
            for (let ir = 0, ai = 0; ir < mc; ir += MR, ai += aStrip) {
              micro4x4(kc, buf, ai, bi, c, ci, ldc, first);
              ci += MR * ldc;
            }
          }
        }
      }
      // Round once: a Float32Array store rounds the float64 sum to nearest.
      for (let i = 0; i < mb; i++) {
        let src = i * ldc;
        let dst = outOffset + (i0 + i) * n + j0;
        const end = src + nc;
        while (src < end) out[dst++] = c[src++];
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * Packs `lanes` lanes (rows of A or columns of B) of `depth` elements each into strips of
 * `width` lanes: strip s holds, for each depth step p, the `width` values of its lanes at p
 * (depth-major), so the micro-kernel reads both operands sequentially. Lane l, step p is
 * `src[srcOffset + l*laneStride + p*depthStride]`; the loop order follows whichever stride is 1
 * so reads stay contiguous. Lanes past `lanes` in the last strip are zero.
 */
function packPanel(
  src: MatmulArray,
  srcOffset: number,
  lanes: number,
  laneStride: number,
  depthStride: number,
  depth: number,
  width: number,
  dst: Float64Array,
  dstOffset: number,
): void {
  const stripSize = depth * width;
  for (let l0 = 0; l0 < lanes; l0 += width, dstOffset += stripSize) {
    const w = Math.min(width, lanes - l0);
    const laneStart = srcOffset + l0 * laneStride;
    if (depthStride === 1) {
      // Each lane is contiguous in memory: copy lane by lane, scattering with stride `width`.
      for (let l = 0; l < w; l++) {
        let s = laneStart + l * laneStride;
        let d = dstOffset + l;
        const end = s + depth;
        while (s < end) {
          dst[d] = src[s++];
          d += width;
        }
      }
    } else {
      // Lanes are adjacent at each depth step (laneStride 1): copy `w` values per step.
      let s = laneStart;
      let d = dstOffset;
      for (let p = 0; p < depth; p++) {
        for (let l = 0; l < w; l++) dst[d + l] = src[s + l];
        s += depthStride;
        d += width;
      }
    }
    if (w < width) {
      for (let p = 0, d = dstOffset; p < depth; p++, d += width) {
        for (let l = w; l < width; l++) dst[d + l] = 0;
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: `C[4×4] (=|+=) Apanel[kc×4]ᵀ · Bpanel[kc×4]`, both panels in `buf`
 * (one array, so the loop carries one map check and one bounds base, not two). The 16 sums
 * stay in locals; indices use `| 0` so V8 keeps them in int32 without overflow checks.
 */
function micro4x4(
  kc: number,
  buf: Float64Array,
  ai: number,
  bi: number,
  c: Float64Array,
  ci: number,
  ldc: number,
  first: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = buf[ai];
    const a1 = buf[(ai + 1) | 0];
    const a2 = buf[(ai + 2) | 0];
    const a3 = buf[(ai + 3) | 0];
    const b0 = buf[bi];
    const b1 = buf[(bi + 1) | 0];
    const b2 = buf[(bi + 2) | 0];
    const b3 = buf[(bi + 3) | 0];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai = (ai + 4) | 0;
    bi = (bi + 4) | 0;
  }
  const c1 = ci + ldc;
  const c2 = c1 + ldc;
  const c3 = c2 + ldc;
  if (first) {
    c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03;
    c[c1] = c10; c[c1 + 1] = c11; c[c1 + 2] = c12; c[c1 + 3] = c13;
    c[c2] = c20; c[c2 + 1] = c21; c[c2 + 2] = c22; c[c2 + 3] = c23;
    c[c3] = c30; c[c3 + 1] = c31; c[c3 + 2] = c32; c[c3 + 3] = c33;
  } else {
    c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03;
    c[c1] += c10; c[c1 + 1] += c11; c[c1 + 2] += c12; c[c1 + 3] += c13;
    c[c2] += c20; c[c2 + 1] += c21; c[c2 + 2] += c22; c[c2 + 3] += c23;
    c[c3] += c30; c[c3 + 1] += c31; c[c3 + 2] += c32; c[c3 + 3] += c33;
  }
}

/** `out[i] = Σ_p rows[i*len + p]·vec[p]` for i < count: contiguous dot products, summed in float64. */
function dotRows(
  rows: MatmulArray,
  rowsOffset: number,
  vec: MatmulArray,
  vecOffset: number,
  out: MatmulArray,
  outOffset: number,
  count: number,
  len: number,
): void {
  let r = rowsOffset;
  for (let i = 0; i < count; i++) {
    let s0 = 0;
    let s1 = 0;
    let v = vecOffset;
    const end = r + len;
    for (; r + 1 < end; r += 2, v += 2) {
      s0 += rows[r] * vec[v];
      s1 += rows[r + 1] * vec[v + 1];
    }
    if (r < end) s0 += rows[r++] * vec[v];
    out[outOffset + i] = s0 + s1;
  }
}

/** `out[j] = Σ_p vec[p]·rows[p*width + j]` for j < width: row-wise AXPY into a float64 panel. */
function axpyRows(
  vec: MatmulArray,
  vecOffset: number,
  rows: MatmulArray,
  rowsOffset: number,
  out: MatmulArray,
  outOffset: number,
  len: number,
  width: number,
): void {
  const c = accBuffer(width);
  c.fill(0, 0, width);
  let r = rowsOffset;
  for (let p = 0; p < len; p++) {
    const x = vec[vecOffset + p];
    for (let j = 0; j < width; j++) c[j] += x * rows[r++];
  }
  for (let j = 0; j < width; j++) out[outOffset + j] = c[j];
}

/** Columns of B per int32 block (KCI×NCI int32s = 256 KiB). */
const KCI = 128;
const NCI = 512;

/**
 * int32: blocked i-k-j. B's block is packed row-major (transposing if needed) so the inner
 * loop walks one row of it and one row of `out`; two k steps per pass halve the traffic on
 * `out`. Products use Math.imul and sums `| 0`, so everything wraps modulo 2^32.
 */
function matmulInt32(
  a: Int32Array,
  aOffset: number,
  b: Int32Array,
  bOffset: number,
  out: Int32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const bp = intPackBuffer(Math.min(KCI, k) * Math.min(NCI, n));
  out.fill(0, outOffset, outOffset + m * n);
  for (let j0 = 0; j0 < n; j0 += NCI) {
    const nc = Math.min(NCI, n - j0);
    for (let p0 = 0; p0 < k; p0 += KCI) {
      const kc = Math.min(KCI, k - p0);
      // Pack B[p0:p0+kc, j0:j0+nc] row-major into bp.
      for (let p = 0, d = 0; p < kc; p++) {
        let s = bOffset + (p0 + p) * bRow + j0 * bCol;
        for (let j = 0; j < nc; j++, s += bCol) bp[d++] = b[s];
      }
      for (let i = 0; i < m; i++) {
        const o = outOffset + i * n + j0;
        let ai = aOffset + i * aRow + p0 * aCol;
        let p = 0;
        for (; p + 1 < kc; p += 2) {
          const x0 = a[ai];
          const x1 = a[ai + aCol];
          ai += 2 * aCol;
          let r0 = p * nc;
          let r1 = r0 + nc;
          for (let j = o, end = o + nc; j < end; j++) {
            out[j] = (out[j] + Math.imul(x0, bp[r0++]) + Math.imul(x1, bp[r1++])) | 0;
          }
        }
        if (p < kc) {
          const x0 = a[ai];
          let r0 = p * nc;
          for (let j = o, end = o + nc; j < end; j++) out[j] = (out[j] + Math.imul(x0, bp[r0++])) | 0;
        }
      }
    }
  }
}
