import { kernelStorageZeros, Tensor } from '@mtl/tensor';

/*
 * The Jacobian J of the task losses ([T, d]: one task gradient per row, in the gradients' dtype)
 * and the two products a Gramian method needs from it, G = JJᵀ and d = Jᵀw. They are loops over
 * the rows with float64 sums rather than `matmul` calls: with T ≤ 8 rows the packed matmul kernel
 * spends most of its time packing (a [4, 32768]·[32768, 4] product took ~300 µs here, the loop
 * ~100 µs).
 */

type Floats = Float32Array | Float64Array;

/**
 * A [T, d] buffer for J, reused while T, d and the dtype stay the same (float32 ones in kernel
 * storage): no allocation of T·d numbers per step.
 */
export class JacobianBuffer {
  private kept: Tensor | null = null;

  get(t: number, n: number, dtype: 'float32' | 'float64'): Tensor {
    const kept = this.kept;
    if (kept !== null && kept.dtype === dtype && kept.shape[0] === t && kept.shape[1] === n) return kept;
    this.kept =
      dtype === 'float32' ? kernelStorageZeros([t, n]) : new Tensor(new Float64Array(t * n), [t, n]);
    return this.kept;
  }
}

/** The Gramian JJᵀ as float64, T×T row-major (exactly symmetric). */
export function gramOf(jacobian: Tensor): Float64Array {
  const [t, n] = jacobian.shape as [number, number];
  const data = jacobian.data as Floats;
  const g = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = i; j < t; j++) {
      const v = rowDot(data, i * n, j * n, n);
      g[i * t + j] = v;
      g[j * t + i] = v;
    }
  }
  return g;
}

/** ⟨row at a, row at b⟩ of length n, in float64 with four running sums (the adds overlap). */
function rowDot(x: Floats, a: number, b: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += x[a + k]! * x[b + k]!;
    s1 += x[a + k + 1]! * x[b + k + 1]!;
    s2 += x[a + k + 2]! * x[b + k + 2]!;
    s3 += x[a + k + 3]! * x[b + k + 3]!;
  }
  for (; k < n; k++) s0 += x[a + k]! * x[b + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * d = Σ wᵢ Jᵢ in J's dtype, each element summed in float64 in task order. A row with weight 0 is
 * skipped, not multiplied, so a non-finite row it would zero out stays out.
 */
export function combineRows(jacobian: Tensor, weights: readonly number[]): Floats {
  const n = jacobian.shape[1]!;
  const data = jacobian.data as Floats;
  const used = weights.flatMap((w, i) => (w === 0 ? [] : [i]));
  const sum = new Float64Array(n);
  let u = 0;
  // Four rows per sweep: one store per element instead of four read-modify-writes.
  for (; u + 4 <= used.length; u += 4) {
    const [a, b, c, e] = used.slice(u, u + 4).map((i) => i * n) as [number, number, number, number];
    const [wa, wb, wc, we] = used.slice(u, u + 4).map((i) => weights[i]!) as [number, number, number, number];
    for (let k = 0; k < n; k++) {
      sum[k] = sum[k]! + wa * data[a + k]! + wb * data[b + k]! + wc * data[c + k]! + we * data[e + k]!;
    }
  }
  for (; u < used.length; u++) {
    const a = used[u]! * n;
    const w = weights[used[u]!]!;
    for (let k = 0; k < n; k++) sum[k]! += w * data[a + k]!;
  }
  if (data instanceof Float64Array) return sum;
  const out = new Float32Array(n);
  out.set(sum);
  return out;
}

/** The rows of J as float64 arrays. */
export function rowsOf(jacobian: Tensor): Float64Array[] {
  const [t, n] = jacobian.shape as [number, number];
  return Array.from({ length: t }, (_, i) => Float64Array.from(jacobian.data.subarray(i * n, (i + 1) * n)));
}
