/**
 * float32 matrix multiply in WebAssembly SIMD (AssemblyScript), part of the kernel module that
 * `pnpm --filter @mtl/tensor build:wasm` compiles from `assembly/index.ts` (whose
 * `build-wasm variant` lines declare the builds) into `src/backend/kernelModule.generated.ts`.
 *
 * `C[m×n] = A[m×k] · B[k×n]`, all row-major float32 in linear memory; the caller (the
 * TypeScript side, `src/kernels/matmulWasm.ts`) copies the operands in, lays out the scratch
 * buffers and copies C out. GotoBLAS structure: for each block of B (KC×NC) and of A (MC×KC)
 * the operands are packed into micro-panels (MR rows of A or NR columns of B, depth-major,
 * zero-padded at the edges), and an MR×NR register-blocked micro-kernel (4×8: eight f32x4
 * accumulators) runs over them with `madd` below. Packing absorbs the transposes, so all four
 * combinations run the same inner loop. Sums are accumulated in float32, as PyTorch and XNNPACK do.
 *
 * Written without decorators so that it also parses as plain TypeScript for the linter;
 * Binaryen inlines the small helpers on its own.
 *
 * One source, two kinds of build: with relaxed SIMD enabled (`--enable relaxed-simd`; Node ≥ 22
 * and Chromium ≥ 114 validate such a module, Node 20 does not) `madd` is a fused multiply-add,
 * otherwise a multiply and an add. An FMA build rounds once per multiply-add instead of twice,
 * so its sums differ from the plain build's in the last bits; a product split into chunks on
 * two threads still equals the unsplit one bit for bit when every thread runs the same build.
 */

import { packIm2col } from './convGemm';

/**
 * `acc + a·b` per lane. With relaxed SIMD on (a compile-time constant, so each build keeps one
 * branch) it is `f32x4.relaxed_madd`, one fused multiply-add where the CPU has FMA (vfmadd231ps
 * on x86), which saves an instruction per step in the micro-kernels; otherwise a multiply and an
 * add, as Node 20 requires.
 */
export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Rows of A per micro-kernel call. */
const MR: i32 = 4;
/** Columns of B per micro-kernel call (two f32x4 vectors). */
const NR: i32 = 8;
/** Depth of a packed block: an A micro-panel (KC×MR) and a B micro-panel (KC×NR) stay in L1. */
const KC: i32 = 256;
/** Rows of A per packed block (MC×KC floats = 128 KiB, L2-resident). */
const MC: i32 = 128;
/** Columns of B per packed block (KC×NC floats = 512 KiB). */
const NC: i32 = 512;

/** First free byte after the module's static data: the TypeScript side lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch that `gemm` needs at `scratch`: the packed A and B blocks and one C tile. */
export function scratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) << 2;
}

/**
 * `C = A·B` (overwrites C). `a` holds A (m×k), or Aᵀ (k×m) when `transA` is non-zero; `b` holds
 * B (k×n), or Bᵀ (n×k) when `transB`; `c` receives C (m×n). `scratch` points at
 * `scratchBytes()` bytes, 16-byte aligned. Requires m, n, k ≥ 1.
 */
export function gemm(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: i32,
  transB: i32,
  scratch: usize,
): void {
  gemmStrided(a, b, c, m, k, n, transA ? m : k, transB ? k : n, n, transA, transB, scratch, 0, 0);
}

/**
 * `C = W·cols` (overwrites C) for a convolution: W (m×k, row-major) at `w`, and B = im2col's
 * matrix (k×n) of the images at `x` with the window geometry at `geo`, which is never built: each
 * block of it is packed straight from the images (`packIm2col`, `convGemm.ts`). Same arithmetic
 * as `gemm` on the built matrix, so the same bits.
 */
export function gemmIm2col(
  w: usize,
  x: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  geo: usize,
  scratch: usize,
): void {
  gemmStrided(w, x, c, m, k, n, k, n, n, 0, 0, scratch, 0, geo);
}

/** Words of the argument block that `gemmChunk` reads (i32 each). */
const ARG_A = 0;
const ARG_B = 1;
const ARG_C = 2;
const ARG_M = 3;
const ARG_K = 4;
const ARG_N = 5;
const ARG_TRANS_A = 6;
const ARG_TRANS_B = 7;
/** Non-zero: chunks are column panels of C (and B); zero: row blocks of C (and A). */
const ARG_SPLIT_COLS = 8;
/** Columns or rows per chunk (a multiple of NR or MR). */
const ARG_CHUNK = 9;
/** Non-zero: the address of all of B packed by `packB` (row chunks then pack only their rows of A). */
const ARG_PACKED_B = 10;

/**
 * Packs all of B (or Bᵀ when `transB`), block after block as `gemmStrided` would pack each one,
 * into `dst` (4·k·n bytes, n rounded up to NR): block (j0, p0) at element j0·k + p0·ncp, where ncp is
 * the block's width rounded up to NR. Two threads then compute row chunks of C against one packed
 * B instead of each packing its own.
 */
export function packB(b: usize, k: i32, n: i32, transB: i32, dst: usize): void {
  const ldb = transB ? k : n;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    const ncp = ((nc + NR - 1) / NR) * NR;
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const at = dst + ((<usize>(j0 * k + p0 * ncp)) << 2);
      if (transB) packBT(b, ldb, p0, j0, kc, nc, at);
      else packBN(b, ldb, p0, j0, kc, nc, at);
    }
  }
}

/**
 * Chunk `index` of the product described by the argument block at `args` (eleven i32 words:
 * a, b, c, m, k, n, transA, transB, splitCols, chunk, packedB): the column panel or row block of C that
 * it names, computed by `gemmStrided` with the sub-matrices' pointers and the full matrices'
 * strides. Every element of C goes through the same arithmetic as in `gemm` (the same k-blocks,
 * summed in the same order), so a product split into chunks, on any number of threads, equals
 * the unsplit one bit for bit. Two threads share the chunks of one product through an atomic
 * counter (on the TypeScript side), each with its own `scratch`.
 */
export function gemmChunk(args: usize, index: i32, scratch: usize): void {
  const a = <usize>load<u32>(args + (ARG_A << 2));
  const b = <usize>load<u32>(args + (ARG_B << 2));
  const c = <usize>load<u32>(args + (ARG_C << 2));
  const m = load<i32>(args + (ARG_M << 2));
  const k = load<i32>(args + (ARG_K << 2));
  const n = load<i32>(args + (ARG_N << 2));
  const transA = load<i32>(args + (ARG_TRANS_A << 2));
  const transB = load<i32>(args + (ARG_TRANS_B << 2));
  const chunk = load<i32>(args + (ARG_CHUNK << 2));
  const packedB = <usize>load<u32>(args + (ARG_PACKED_B << 2));
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const start = index * chunk;
  if (load<i32>(args + (ARG_SPLIT_COLS << 2))) {
    // Columns start..start+w of C and of B: B's column j is at element j (B) or row j (Bᵀ).
    const w = min(chunk, n - start);
    const bj = b + ((<usize>(transB ? start * k : start)) << 2);
    gemmStrided(a, bj, c + ((<usize>start) << 2), m, k, w, lda, ldb, n, transA, transB, scratch, 0, 0);
  } else {
    // Rows start..start+h of C and of A: A's row i is at row i (A) or element i (Aᵀ).
    const h = min(chunk, m - start);
    const ai = a + ((<usize>(transA ? start : start * k)) << 2);
    const ci = c + ((<usize>start * <usize>n) << 2);
    gemmStrided(ai, b, ci, h, k, n, lda, ldb, n, transA, transB, scratch, packedB, 0);
  }
}

/**
 * `gemm` on sub-matrices: as `gemm`, with the row strides (in elements) of the stored operands
 * and of C given: `lda` between rows of the stored A (or Aᵀ), `ldb` of the stored B (or Bᵀ),
 * `ldcElems` of C.
 *
 * With n ≤ NR there is a single strip of B, so each element of A would be used once after
 * packing: A is then read in place (four row pointers) instead of packed. With `image` non-zero,
 * `b` points at images and B is their im2col matrix for the geometry at `image` (`gemmIm2col`).
 */
function gemmStrided(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  lda: i32,
  ldb: i32,
  ldcElems: i32,
  transA: i32,
  transB: i32,
  scratch: usize,
  packedB: usize,
  image: usize,
): void {
  const packA = scratch;
  const packB = packA + ((MC * KC) << 2);
  const tile = packB + ((KC * NC) << 2);
  const ldc = ldcElems << 2;
  const direct = n <= NR;
  // Element (i, p) of A is at a + i*rowA + p*stepA (bytes).
  const rowA: usize = transA ? 4 : (<usize>lda) << 2;
  const stepA: usize = transA ? (<usize>lda) << 2 : 4;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const first = p0 === 0;
      // B's block: packed here, or already packed by `packB` (see its layout).
      const blockB = packedB ? packedB + ((<usize>(j0 * k + p0 * (((nc + NR - 1) / NR) * NR))) << 2) : packB;
      if (image) packIm2col(b, image, p0, j0, kc, nc, packB);
      else if (!packedB) {
        if (transB) packBT(b, ldb, p0, j0, kc, nc, packB);
        else packBN(b, ldb, p0, j0, kc, nc, packB);
      }
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        if (!direct) {
          if (transA) packAT(a, lda, p0, i0, kc, mc, packA);
          else packAN(a, lda, p0, i0, kc, mc, packA);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = blockB + ((jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const full = mr === MR && nr === NR;
            const dst = c + <usize>((i0 + ir) * ldc + ((j0 + jr) << 2));
            const d = full ? dst : tile;
            const ldd = full ? ldc : NR << 2;
            if (direct) {
              // Rows past the end re-read the last row; their sums land in the tile's spare rows.
              const pa = a + <usize>(i0 + ir) * rowA + <usize>p0 * stepA;
              const last = <usize>(mr - 1);
              const o1 = min<usize>(1, last) * rowA;
              const o2 = min<usize>(2, last) * rowA;
              const o3 = last * rowA;
              if (nr > 4) microGeneral(kc, pa, o1, o2, o3, stepA, pb, d, ldd, first || !full);
              else microHalf(kc, pa, o1, o2, o3, stepA, pb, d, ldd, first || !full);
            } else {
              const pa = packA + ((ir * kc) << 2);
              if (full) micro(kc, pa, pb, d, ldd, first);
              else if (nr > 4) microGeneral(kc, pa, 4, 8, 12, MR << 2, pb, d, ldd, true);
              else microHalf(kc, pa, 4, 8, 12, MR << 2, pb, d, ldd, true);
            }
            if (!full) mergeTile(tile, dst, ldc, mr, nr, first);
          }
        }
      }
    }
  }
}

/**
 * The 4×8 micro-kernel on packed panels: `D[4×8] (=|+=) Apanel[kc×4]ᵀ · Bpanel[kc×8]`, D at
 * `dst` with a row stride of `ldd` bytes (stored when `first`, else added). Per step of k: two
 * vector loads of B, four splat loads of A and eight multiply-adds into the eight accumulators
 * (8 + 2 + 1 vector registers, so nothing spills). The same 4×8 tile serves the FMA build: on the
 * machine measured (Zen 3: two FMA pipes, 4-cycle latency) its loop runs at ~94% of the FMA peak
 * (48 of 51 GFLOP/s in Node 24; mul + add, 38), and 6×8 (12 accumulators: all 15 XMM registers
 * V8 allocates, no spills) was no faster, while 8×8, 4×12 and 4×16 spill and run at ~60%.
 */
function micro(kc: i32, pa: usize, pb: usize, dst: usize, ldd: i32, first: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    pa += MR << 2;
    pb += NR << 2;
  }
  store8(dst, ldd, first, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * The same 4×8 tile with A's four rows at `pa`, `pa + o1`, `pa + o2`, `pa + o3`, advancing by
 * `step` bytes per step of k: A read in place (step 4 for A, 4m for Aᵀ) or a partial tile.
 */
function microGeneral(
  kc: i32,
  pa: usize,
  o1: usize,
  o2: usize,
  o3: usize,
  step: usize,
  pb: usize,
  dst: usize,
  ldd: i32,
  first: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa + o1);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa + o2);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa + o3);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    pa += step;
    pb += NR << 2;
  }
  store8(dst, ldd, first, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * A 4×4 tile for a last strip of B with at most 4 columns (only the first vector of each packed
 * B step is read): half the work of the 4×8 tile when n ≤ 4, as in an MLP's output layer. Its
 * four accumulator chains leave it latency-bound, so FMA does not speed it up.
 */
function microHalf(
  kc: i32,
  pa: usize,
  o1: usize,
  o2: usize,
  o3: usize,
  step: usize,
  pb: usize,
  dst: usize,
  ldd: i32,
  first: bool,
): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa + o1), b0, c1);
    c2 = madd(v128.load32_splat(pa + o2), b0, c2);
    c3 = madd(v128.load32_splat(pa + o3), b0, c3);
    pa += step;
    pb += NR << 2;
  }
  const d1 = dst + <usize>ldd;
  const d2 = d1 + <usize>ldd;
  const d3 = d2 + <usize>ldd;
  if (!first) {
    c0 = f32x4.add(c0, v128.load(dst));
    c1 = f32x4.add(c1, v128.load(d1));
    c2 = f32x4.add(c2, v128.load(d2));
    c3 = f32x4.add(c3, v128.load(d3));
  }
  v128.store(dst, c0);
  v128.store(d1, c1);
  v128.store(d2, c2);
  v128.store(d3, c3);
}

/** Stores (first k-block) or adds (later ones) a 4×8 tile of sums at `dst`, row stride `ldd` bytes. */
function store8(
  dst: usize,
  ldd: i32,
  first: bool,
  c00: v128,
  c01: v128,
  c10: v128,
  c11: v128,
  c20: v128,
  c21: v128,
  c30: v128,
  c31: v128,
): void {
  const d1 = dst + <usize>ldd;
  const d2 = d1 + <usize>ldd;
  const d3 = d2 + <usize>ldd;
  if (!first) {
    c00 = f32x4.add(c00, v128.load(dst));
    c01 = f32x4.add(c01, v128.load(dst, 16));
    c10 = f32x4.add(c10, v128.load(d1));
    c11 = f32x4.add(c11, v128.load(d1, 16));
    c20 = f32x4.add(c20, v128.load(d2));
    c21 = f32x4.add(c21, v128.load(d2, 16));
    c30 = f32x4.add(c30, v128.load(d3));
    c31 = f32x4.add(c31, v128.load(d3, 16));
  }
  v128.store(dst, c00);
  v128.store(dst, c01, 16);
  v128.store(d1, c10);
  v128.store(d1, c11, 16);
  v128.store(d2, c20);
  v128.store(d2, c21, 16);
  v128.store(d3, c30);
  v128.store(d3, c31, 16);
}

/**
 * Copies (first k-block) or adds (later ones) the valid mr×nr corner of a full tile (row stride
 * NR floats) into C.
 */
function mergeTile(tile: usize, dst: usize, ldc: i32, mr: i32, nr: i32, first: bool): void {
  for (let r = 0; r < mr; r++) {
    const src = tile + <usize>(r * (NR << 2));
    const row = dst + <usize>(r * ldc);
    for (let j = 0; j < nr; j++) {
      const o = <usize>(j << 2);
      const v = load<f32>(src + o);
      store<f32>(row + o, first ? v : load<f32>(row + o) + v);
    }
  }
}

/**
 * Packs rows i0..i0+mc of A (row-major, `ld` elements between rows), depths p0..p0+kc, into strips of MR rows:
 * strip s holds, for each depth p, its MR values at p. Rows past the end are zero. A full strip
 * goes four depths at a time: one vector load from each of its four rows, a 4×4 transpose in
 * registers and four vector stores (instead of sixteen scalar loads and stores).
 */
function packAN(a: usize, ld: i32, p0: i32, i0: i32, kc: i32, mc: i32, dst: usize): void {
  const lda = <usize>(ld << 2);
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const src = a + <usize>((i0 + ir) * ld + p0) * 4;
    if (mr === MR) {
      transpose4Rows(src, lda, kc, dst, MR << 2);
    } else {
      for (let p = 0; p < kc; p++) {
        const d = dst + <usize>(p * MR * 4);
        for (let r = 0; r < MR; r++) {
          store<f32>(d + <usize>(r << 2), r < mr ? load<f32>(src + <usize>r * lda + <usize>(p << 2)) : 0);
        }
      }
    }
    dst += <usize>(kc * MR * 4);
  }
}

/**
 * Four rows of `len` floats at `src`, `src + ld`, `src + 2ld`, `src + 3ld` (bytes), written
 * depth-major: for each depth p, the four values at p (one vector) at `dst + p*stride`. Four
 * depths per step via a 4×4 transpose in registers; the last `len % 4` depths one by one.
 */
function transpose4Rows(src: usize, ld: usize, len: i32, dst: usize, stride: usize): void {
  const s1 = src + ld;
  const s2 = s1 + ld;
  const s3 = s2 + ld;
  let o: usize = 0;
  let d = dst;
  const end = (<usize>(len & ~3)) << 2;
  while (o < end) {
    const r0 = v128.load(src + o);
    const r1 = v128.load(s1 + o);
    const r2 = v128.load(s2 + o);
    const r3 = v128.load(s3 + o);
    const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5); // a00 a10 a01 a11
    const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7); // a02 a12 a03 a13
    const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5); // a20 a30 a21 a31
    const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7); // a22 a32 a23 a33
    v128.store(d, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(d + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(d + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(d + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
    o += 16;
    d += 4 * stride;
  }
  const tail = (<usize>len) << 2;
  while (o < tail) {
    store<f32>(d, load<f32>(src + o));
    store<f32>(d, load<f32>(s1 + o), 4);
    store<f32>(d, load<f32>(s2 + o), 8);
    store<f32>(d, load<f32>(s3 + o), 12);
    o += 4;
    d += stride;
  }
}

/** As packAN, from Aᵀ stored row-major (`ld` elements between its rows): each depth step reads MR adjacent values. */
function packAT(a: usize, ld: i32, p0: i32, i0: i32, kc: i32, mc: i32, dst: usize): void {
  const ldt = <usize>(ld << 2);
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    let s = a + <usize>(p0 * ld + i0 + ir) * 4;
    if (mr === MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(s));
        s += ldt;
        dst += MR << 2;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++)
          store<f32>(dst + <usize>(r << 2), r < mr ? load<f32>(s + <usize>(r << 2)) : 0);
        s += ldt;
        dst += MR << 2;
      }
    }
  }
}

/**
 * Packs columns j0..j0+nc of B (row-major, `ld` elements between rows), depths p0..p0+kc, into strips of NR columns:
 * strip s holds, for each depth p, its NR values at p. Columns past the end are zero.
 */
function packBN(b: usize, ld: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const ldb = <usize>(ld << 2);
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    let s = b + <usize>(p0 * ld + j0 + jr) * 4;
    if (nr === NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        s += ldb;
        dst += NR << 2;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++)
          store<f32>(dst + <usize>(j << 2), j < nr ? load<f32>(s + <usize>(j << 2)) : 0);
        s += ldb;
        dst += NR << 2;
      }
    }
  }
}

/**
 * As packBN, from Bᵀ stored row-major (`ld` elements between its rows): column j of B is a contiguous row of Bᵀ, so a full
 * strip is two 4×4-transposed groups of four rows (its columns 0–3 and 4–7).
 */
function packBT(b: usize, ld: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const ldt = <usize>(ld << 2);
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const src = b + <usize>((j0 + jr) * ld + p0) * 4;
    if (nr === NR) {
      transpose4Rows(src, ldt, kc, dst, NR << 2);
      transpose4Rows(src + 4 * ldt, ldt, kc, dst + 16, NR << 2);
    } else {
      for (let p = 0; p < kc; p++) {
        const d = dst + <usize>(p * NR * 4);
        for (let j = 0; j < NR; j++) {
          store<f32>(d + <usize>(j << 2), j < nr ? load<f32>(src + <usize>j * ldt + <usize>(p << 2)) : 0);
        }
      }
    }
    dst += <usize>(kc * NR * 4);
  }
}
