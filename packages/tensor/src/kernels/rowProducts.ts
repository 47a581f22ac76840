/**
 * Products over the rows of a small matrix X [t, n] (float32 or float64), summed in float64: the
 * Gramian XXᵀ and a weighted sum of the rows. The `js` implementation of the registry's
 * `rowProducts` kernel, and the reference the WebAssembly build (`assembly/rows.ts`) matches bit
 * for bit. Multi-task gradient methods run both on the task-gradient Jacobian each step.
 */

type Floats = Float32Array | Float64Array;

/** The Gramian XXᵀ of X's t rows of length n, float64, t×t row-major and exactly symmetric. */
export function gramRowsLoop(x: Floats, t: number, n: number): Float64Array {
  const g = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = i; j < t; j++) {
      const v = rowDot(x, i * n, j * n, n);
      g[i * t + j] = v;
      g[j * t + i] = v;
    }
  }
  return g;
}

/** ⟨row at a, row at b⟩ of length n in float64: four running sums (k mod 4), the tail in the first. */
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
 * Σᵢ wᵢ·row i into `out` (length n, X's dtype): each element summed in float64 in row order and
 * rounded once. A row whose weight is 0 is skipped, not multiplied, so a non-finite row it would
 * zero out stays out.
 */
export function combineRowsLoop(
  x: Floats,
  weights: ArrayLike<number>,
  t: number,
  n: number,
  out: Floats,
): void {
  const used: number[] = [];
  for (let i = 0; i < t; i++) if (weights[i] !== 0) used.push(i);
  const sum = new Float64Array(n);
  let u = 0;
  // Four rows per sweep: one store per element instead of four read-modify-writes.
  for (; u + 4 <= used.length; u += 4) {
    const [a, b, c, e] = [used[u]! * n, used[u + 1]! * n, used[u + 2]! * n, used[u + 3]! * n];
    const [wa, wb, wc, we] = [
      weights[used[u]!]!,
      weights[used[u + 1]!]!,
      weights[used[u + 2]!]!,
      weights[used[u + 3]!]!,
    ];
    for (let k = 0; k < n; k++) {
      sum[k] = sum[k]! + wa * x[a + k]! + wb * x[b + k]! + wc * x[c + k]! + we * x[e + k]!;
    }
  }
  for (; u < used.length; u++) {
    const a = used[u]! * n;
    const w = weights[used[u]!]!;
    for (let k = 0; k < n; k++) sum[k]! += w * x[a + k]!;
  }
  out.set(sum);
}
