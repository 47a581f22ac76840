/**
 * The int32 matmul path: products with Math.imul and sums with `| 0`, so results wrap modulo
 * 2^32 like two's-complement int32 arithmetic, whatever the summation order.
 */

let ipack = new Int32Array(0);

function intPackBuffer(size: number): Int32Array {
  if (ipack.length < size) ipack = new Int32Array(size);
  return ipack;
}

/** int32 blocks of B: KCI rows × NCI columns (256 KiB of int32s). */
const KCI = 128;
const NCI = 512;

/**
 * int32: blocked i-k-j. B's block is packed row-major (transposing if needed) so the inner
 * loop walks one row of it and one row of `out`; two k steps per pass halve the traffic on
 * `out`. Products use Math.imul and sums `| 0`, so everything wraps modulo 2^32.
 */
export function matmulInt32(
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
  const bp = intPackBuffer(Math.min(KCI, k) * Math.min(NCI, n));
  out.fill(0, outOffset, outOffset + m * n);
  for (let j0 = 0; j0 < n; j0 += NCI) {
    const nc = Math.min(NCI, n - j0);
    for (let p0 = 0; p0 < k; p0 += KCI) {
      const kc = Math.min(KCI, k - p0);
      // Pack B[p0:p0+kc, j0:j0+nc] row-major into bp, reading along b's contiguous rows.
      if (transB) {
        for (let j = 0; j < nc; j++) {
          let s = bOffset + (j0 + j) * k + p0;
          for (let d = j, end = kc * nc; d < end; d += nc) bp[d] = b[s++]!;
        }
      } else {
        for (let p = 0, d = 0; p < kc; p++) {
          let s = bOffset + (p0 + p) * n + j0;
          for (const end = d + nc; d < end; ) bp[d++] = b[s++]!;
        }
      }
      for (let i = 0; i < m; i++) {
        const o = outOffset + i * n + j0;
        let ai = aOffset + i * aRow + p0 * aCol;
        let p = 0;
        for (; p + 1 < kc; p += 2) {
          const x0 = a[ai]!;
          const x1 = a[ai + aCol]!;
          ai += 2 * aCol;
          let r0 = p * nc;
          let r1 = r0 + nc;
          for (let j = o, end = o + nc; j < end; j++) {
            out[j] = (out[j]! + Math.imul(x0, bp[r0++]!) + Math.imul(x1, bp[r1++]!)) | 0;
          }
        }
        if (p < kc) {
          const x0 = a[ai]!;
          let r0 = p * nc;
          for (let j = o, end = o + nc; j < end; j++) out[j] = (out[j]! + Math.imul(x0, bp[r0++]!)) | 0;
        }
      }
    }
  }
}
