/**
 * Helpers for the linear-algebra kernel tests only (not exported by the package): a seeded
 * generator and the few dense-matrix operations the residual checks need, written naively so
 * they are obviously right.
 */

/** A tiny 32-bit LCG (Numerical Recipes' constants) giving uniform numbers in [-1, 1). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** An m×n row-major matrix of uniform [-1, 1) entries. */
export function randomMatrix(rand: () => number, m: number, n: number): Float64Array {
  return Float64Array.from({ length: m * n }, rand);
}

/** A random symmetric n×n matrix (A + Aᵀ of a uniform one). */
export function randomSymmetric(rand: () => number, n: number): Float64Array {
  const a = randomMatrix(rand, n, n);
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = a[i * n + j]! + a[j * n + i]!;
  return s;
}

/** C = A·B with A m×k and B k×n. */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** Aᵀ of an m×n matrix. */
export function transposed(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}

/** The n×n identity. */
export function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/** max |a_i − b_i| (Infinity on a length mismatch, so a wrong shape cannot pass). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** max |a_i|. */
export function maxAbs(a: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]!));
  return d;
}

/** The sizes every square-matrix test runs over. */
export const SIZES = [1, 2, 3, 8, 32] as const;
