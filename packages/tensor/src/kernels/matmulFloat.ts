/**
 * The TypeScript float matmul (float32 and float64): the `js` implementation of the registry's
 * `matmul` kernel, which `matmulKernel` (`matmul.ts`) calls after checking the arguments. It is
 * the reference, the fallback of the WebAssembly kernel (`matmulWasm.ts`), and what runs on the
 * `'js'` backend and for float64.
 *
 * Floats go through a GotoBLAS-style blocked kernel. For each block of B
 * (KC×NC) and of A (MC×KC), the operands are packed into one Float64Array as micro-panels (4
 * rows of A or 4 columns of B, depth-major, zero-padded at the edges), and a 4×4
 * register-blocked micro-kernel runs over them: one outer-product update per step of k, i.e.
 * i-k-j order with i and j unrolled into 16 local accumulators. Packing absorbs the transposes
 * (the packer walks whichever way the source is contiguous), so all four transpose combinations
 * run the same inner loop. Sums stay in float64 across k-blocks (a float64 accumulator panel)
 * and are rounded once when stored: float32 results are the float64 sums correctly rounded,
 * closer to the exact product than PyTorch's float32 accumulation.
 *
 * Shapes where packing does not pay: with n ≤ 8 each A panel would be used once or twice, so
 * the micro-kernel reads A in place; with m < 4 or n < 4 the product is a few matrix-vector
 * products (memory-bound), done as dot products or AXPYs along contiguous rows; with k = 1 it is
 * an outer product, one multiply per element.
 *
 * Scratch buffers live at module level and grow on demand, bounded by the block sizes (under
 * 2 MiB in all) apart from one row for the vector paths. The kernel is synchronous, so sharing
 * them is safe on one JS thread (each worker has its own module instance).
 */

/** The typed arrays of the float kernel (all three operands of one call have the same type). */
export type FloatArray = Float32Array | Float64Array;

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
/** Up to this many columns of B, A is read in place rather than packed. */
const DIRECT_A_MAX_N = 2 * NR;

let pack = new Float64Array(0);
let acc = new Float64Array(0);

function packBuffer(size: number): Float64Array {
  if (pack.length < size) pack = new Float64Array(size);
  return pack;
}

function accBuffer(size: number): Float64Array {
  if (acc.length < size) acc = new Float64Array(size);
  return acc;
}

/**
 * `out[outOffset + i*n + j] = Σ_p A[i,p]·B[p,j]` (the contract of `matmulKernel`, which checks
 * the arguments: m, k, n ≥ 1, regions in bounds, `out` not overlapping `a` or `b`), summed in
 * float64 and rounded once when stored.
 */
export function matmulFloat(
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  if (k === 1) {
    outerFloat(a, aOffset, b, bOffset, out, outOffset, m, n);
  } else if (m < MR || n < NR) {
    gemvFloat(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
  } else {
    gemmFloat(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
  }
}

/** The blocked, packed float path (see the module comment). */
function gemmFloat(
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
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
  // With at most two strips of B, each A panel would be used at most twice: reading A in place
  // beats packing it (1.3× at n = 4), though the packed loop is faster once it is reused.
  const directA = n <= DIRECT_A_MAX_N;
  const kcMax = Math.min(KC, k);
  const mcMax = directA ? 0 : roundUp(Math.min(MC, m), MR);
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
        packPanel(b, bOffset + p0 * bRow + j0 * bCol, nc, bCol, bRow, kc, buf, bBase);
        for (let ii = 0; ii < mb; ii += MC) {
          const mc = Math.min(MC, mb - ii);
          const aBlock = aOffset + (i0 + ii) * aRow + p0 * aCol;
          if (!directA) packPanel(a, aBlock, mc, aRow, aCol, kc, buf, 0);
          const aStrip = kc * MR;
          const bStrip = kc * NR;
          for (let jr = 0, bi = bBase; jr < nc; jr += NR, bi += bStrip) {
            let ci = ii * ldc + jr;
            for (let ir = 0, ai = 0; ir < mc; ir += MR, ai += aStrip) {
              if (directA) {
                // Rows past the end re-read the last row; their sums land in C's padding rows.
                const last = Math.min(MR, mc - ir) - 1;
                const start = aBlock + ir * aRow;
                const o1 = Math.min(1, last) * aRow;
                const o2 = Math.min(2, last) * aRow;
                const o3 = last * aRow;
                microDirect(kc, a, start, aCol, o1, o2, o3, buf, bi, c, ci, ldc, first);
              } else {
                micro4x4(kc, buf, ai, bi, c, ci, ldc, first);
              }
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
        while (src < end) out[dst++] = c[src++]!;
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * Packs `lanes` lanes (rows of A or columns of B) of `depth` elements each into strips of 4
 * lanes (MR = NR = 4): strip s holds, for each depth step p, the 4 values of its lanes at p
 * (depth-major), so the micro-kernel reads both operands sequentially. Lane l, step p is
 * `src[srcOffset + l*laneStride + p*depthStride]`; one of the two strides is 1 (the matrix is
 * contiguous), and the copy walks along it. Lanes past `lanes` in the last strip are zero.
 */
function packPanel(
  src: FloatArray,
  srcOffset: number,
  lanes: number,
  laneStride: number,
  depthStride: number,
  depth: number,
  dst: Float64Array,
  dstOffset: number,
): void {
  for (let l0 = 0; l0 < lanes; l0 += 4, dstOffset += depth * 4) {
    const w = Math.min(4, lanes - l0);
    let d = dstOffset;
    const end = d + depth * 4;
    if (w === 4 && depthStride === 1) {
      // Four contiguous lanes (rows of A, or columns of Bᵀ): four read streams.
      let s0 = srcOffset + l0 * laneStride;
      let s1 = s0 + laneStride;
      let s2 = s1 + laneStride;
      let s3 = s2 + laneStride;
      for (; d < end; d += 4) {
        dst[d] = src[s0++]!;
        dst[d + 1] = src[s1++]!;
        dst[d + 2] = src[s2++]!;
        dst[d + 3] = src[s3++]!;
      }
    } else if (w === 4 && laneStride === 1) {
      // The four lanes are adjacent at every step (rows of B, or columns of Aᵀ).
      for (let s = srcOffset + l0; d < end; d += 4, s += depthStride) {
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
        dst[d + 3] = src[s + 3]!;
      }
    } else {
      // The last, partial strip: copy w lanes one at a time and zero the rest.
      for (let l = 0; l < 4; l++) {
        let s = srcOffset + (l0 + l) * laneStride;
        if (l < w) for (let e = dstOffset + l; e < end; e += 4, s += depthStride) dst[e] = src[s]!;
        else for (let e = dstOffset + l; e < end; e += 4) dst[e] = 0;
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: `C[4×4] (=|+=) Apanel[kc×4]ᵀ · Bpanel[kc×4]`, both panels in `buf`
 * (one array, so the loop carries one map check and one bounds base, not two). The 16 sums
 * stay in locals; indices use `| 0` so V8 keeps them in int32 without overflow checks.
 */
// biome-ignore format: the 4×4 tile is laid out as a grid, one row of C per line
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
    const a0 = buf[ai]!;
    const a1 = buf[(ai + 1) | 0]!;
    const a2 = buf[(ai + 2) | 0]!;
    const a3 = buf[(ai + 3) | 0]!;
    const b0 = buf[bi]!;
    const b1 = buf[(bi + 1) | 0]!;
    const b2 = buf[(bi + 2) | 0]!;
    const b3 = buf[(bi + 3) | 0]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai = (ai + 4) | 0;
    bi = (bi + 4) | 0;
  }
  storeTile(c, ci, ldc, first, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
}

/**
 * The same 4×4 tile, reading A's four rows in place from `a` (rows at `s`, `s + o1`, `s + o2`,
 * `s + o3`, advancing `step` per k step: 1 for A, m for Aᵀ) instead of from a packed panel.
 */
// biome-ignore format: the 4×4 tile is laid out as a grid, one row of C per line
function microDirect(
  kc: number,
  a: FloatArray,
  s: number,
  step: number,
  o1: number,
  o2: number,
  o3: number,
  buf: Float64Array,
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
    const a0 = a[s]!;
    const a1 = a[(s + o1) | 0]!;
    const a2 = a[(s + o2) | 0]!;
    const a3 = a[(s + o3) | 0]!;
    const b0 = buf[bi]!;
    const b1 = buf[(bi + 1) | 0]!;
    const b2 = buf[(bi + 2) | 0]!;
    const b3 = buf[(bi + 3) | 0]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    s = (s + step) | 0;
    bi = (bi + 4) | 0;
  }
  storeTile(c, ci, ldc, first, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
}

/** Writes (first k-block) or adds (later ones) a 4×4 tile of sums into C at `ci`, row stride `ldc`. */
// biome-ignore format: the 4×4 tile is laid out as a grid, one row of C per line
function storeTile(
  c: Float64Array,
  ci: number,
  ldc: number,
  first: boolean,
  c00: number, c01: number, c02: number, c03: number,
  c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number,
  c30: number, c31: number, c32: number, c33: number,
): void {
  const c1 = ci + ldc;
  const c2 = c1 + ldc;
  const c3 = c2 + ldc;
  if (first) {
    c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03;
    c[c1] = c10; c[c1 + 1] = c11; c[c1 + 2] = c12; c[c1 + 3] = c13;
    c[c2] = c20; c[c2 + 1] = c21; c[c2 + 2] = c22; c[c2 + 3] = c23;
    c[c3] = c30; c[c3 + 1] = c31; c[c3 + 2] = c32; c[c3 + 3] = c33;
  } else {
    c[ci]! += c00; c[ci + 1]! += c01; c[ci + 2]! += c02; c[ci + 3]! += c03;
    c[c1]! += c10; c[c1 + 1]! += c11; c[c1 + 2]! += c12; c[c1 + 3]! += c13;
    c[c2]! += c20; c[c2 + 1]! += c21; c[c2 + 2]! += c22; c[c2 + 3]! += c23;
    c[c3]! += c30; c[c3 + 1]! += c31; c[c3 + 2]! += c32; c[c3 + 3]! += c33;
  }
}

/**
 * Fewer than 4 rows or columns: packing would cost as much as the arithmetic (and a 4-wide
 * tile would be mostly padding), so run one matrix-vector product per row of A (m < 4) or per
 * column of B, each reading the matrix along its contiguous rows.
 */
function gemvFloat(
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
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
  if (m < MR) {
    // out[i, :] = A[i, :] · B: the vector is row i of A (stride aCol).
    // With n = 1, B (k×1) is laid out as Bᵀ (1×k), one contiguous row: a dot product.
    for (let i = 0; i < m; i++) {
      const vec = aOffset + i * aRow;
      const row = outOffset + i * n;
      if (transB || n === 1) dotRows(b, bOffset, n, k, a, vec, aCol, out, row, 1);
      else axpyRows(a, vec, aCol, b, bOffset, k, n, out, row, 1);
    }
  } else {
    // out[:, j] = A · B[:, j]: the vector is column j of B (stride bRow).
    for (let j = 0; j < n; j++) {
      const vec = bOffset + j * bCol;
      if (transA) axpyRows(b, vec, bRow, a, aOffset, k, m, out, outOffset + j, n);
      else dotRows(a, aOffset, m, k, b, vec, bRow, out, outOffset + j, n);
    }
  }
}

/**
 * k = 1: `out[i, j] = A[i, 0]·B[0, j]`, an outer product. A (m×1) and Aᵀ (1×m) are the same m
 * contiguous values, and likewise B, so the flags do not matter. One multiply per element, plus
 * 0 as in the other paths (a sum that starts at +0, so a −0 product gives +0); for float32 the
 * float64 product of two float32 values is exact, so the store rounds once, as WASM's f32 multiply
 * does. The blocked kernel would spend a 4×4 tile call per 16 products and copy them twice.
 */
function outerFloat(
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
  outOffset: number,
  m: number,
  n: number,
): void {
  const bEnd = bOffset + n;
  for (let i = 0, o = outOffset; i < m; i++) {
    const x = a[aOffset + i]!;
    for (let j = bOffset; j < bEnd; j++) out[o++] = x * b[j]! + 0;
  }
}

/**
 * `out[o + i*outStride] = Σ_p rows[r + i*len + p]·vec[v + p*vecStride]` for i < count:
 * dot products along contiguous rows, summed in float64 (two partial sums for latency).
 */
function dotRows(
  rows: FloatArray,
  r: number,
  count: number,
  len: number,
  vec: FloatArray,
  vecOffset: number,
  vecStride: number,
  out: FloatArray,
  o: number,
  outStride: number,
): void {
  for (let i = 0; i < count; i++, o += outStride) {
    let s0 = 0;
    let s1 = 0;
    let v = vecOffset;
    const end = r + len;
    for (; r + 1 < end; r += 2, v += 2 * vecStride) {
      s0 += rows[r]! * vec[v]!;
      s1 += rows[r + 1]! * vec[v + vecStride]!;
    }
    if (r < end) s0 += rows[r++]! * vec[v]!;
    out[o] = s0 + s1;
  }
}

/**
 * `out[o + j*outStride] = Σ_p vec[v + p*vecStride]·rows[r + p*width + j]` for j < width: one
 * AXPY per contiguous row into a float64 panel, stored (and rounded) at the end.
 */
function axpyRows(
  vec: FloatArray,
  v: number,
  vecStride: number,
  rows: FloatArray,
  r: number,
  len: number,
  width: number,
  out: FloatArray,
  o: number,
  outStride: number,
): void {
  const c = accBuffer(width);
  c.fill(0, 0, width);
  for (let p = 0; p < len; p++, v += vecStride) {
    const x = vec[v]!;
    for (let j = 0; j < width; j++) c[j]! += x * rows[r++]!;
  }
  for (let j = 0; j < width; j++, o += outStride) out[o] = c[j]!;
}
