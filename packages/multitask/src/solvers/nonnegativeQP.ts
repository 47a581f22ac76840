import { solvePsd } from './solvePsd';

/** Options of {@link nonnegativeQP}. */
export interface NonnegativeQPOptions {
  /** Cap on active-set changes (each one is a small Cholesky solve). Default `max(250, 20·T)`. */
  maxIter?: number;
}

/**
 * Exact minimiser of ½·yᵀQy − cᵀy over y ≥ 0 for a T×T positive semi-definite Q (row-major),
 * by the Lawson–Hanson active-set method written on Q and c (the normal-equation form of NNLS,
 * as in Bro & de Jong). It is the common core of the simplex and box-constrained solvers: both
 * reduce to it exactly (see minNormSimplex and boxQP).
 *
 * Why Lawson–Hanson: it terminates after finitely many active-set changes, each exact up to
 * rounding, and a variable only enters while its gradient is positive, which keeps the free
 * set's columns independent — so rank-deficient Q (d < T, duplicated gradients) does not make
 * it cycle. The objective must be bounded below on y ≥ 0 (true when c is in the range of Q, or
 * for the lifted min-norm problem), otherwise the result is only the last iterate.
 *
 * KKT at the returned y: y ≥ 0, w = c − Qy ≤ 0, and w_i = 0 wherever y_i > 0.
 */
export function nonnegativeQP(
  q: Float64Array,
  t: number,
  c: Float64Array,
  options: NonnegativeQPOptions = {},
): Float64Array {
  const maxIter = options.maxIter ?? Math.max(250, 20 * t);
  let maxDiag = 0;
  let maxC = 0;
  for (let i = 0; i < t; i++) {
    maxDiag = Math.max(maxDiag, q[i * t + i]!);
    maxC = Math.max(maxC, Math.abs(c[i]!));
  }
  const y = new Float64Array(t);
  const free = new Uint8Array(t);
  // A variable whose entry did not move y (its solve put it at 0): barred from re-entering until
  // y changes, which is the rounding-level loop of textbook Lawson–Hanson.
  const barred = new Uint8Array(t);
  const w = new Float64Array(t);
  const gradient = () => {
    for (let i = 0; i < t; i++) {
      let s = c[i]!;
      for (let k = 0; k < t; k++) s -= q[i * t + k]! * y[k]!;
      w[i] = s;
    }
  };
  const solveFree = (): Float64Array => {
    const { idx, x } = solveFreeBlock(q, t, free, c);
    const z = new Float64Array(t);
    for (let r = 0; r < idx.length; r++) z[idx[r]!] = x[r]!;
    return z;
  };

  let iter = 0;
  gradient();
  while (iter < maxIter) {
    let ySum = 0;
    for (let i = 0; i < t; i++) ySum += y[i]!;
    const tolW = 1e-14 * t * (maxC + maxDiag * ySum) + 1e-300;
    let j = -1;
    let best = tolW;
    for (let i = 0; i < t; i++) {
      if (!free[i] && !barred[i] && w[i]! > best) {
        best = w[i]!;
        j = i;
      }
    }
    if (j < 0) break;
    free[j] = 1;
    let moved = false;
    while (iter < maxIter) {
      iter++;
      const z = solveFree();
      let step = 1;
      let blocking = -1;
      for (let i = 0; i < t; i++) {
        if (free[i] && z[i]! <= 0) {
          const s = y[i]! / (y[i]! - z[i]!);
          if (s < step) {
            step = s;
            blocking = i;
          }
        }
      }
      if (blocking < 0) {
        for (let i = 0; i < t; i++) if (free[i]) y[i] = z[i]!;
        moved = true;
        break;
      }
      if (step > 0) moved = true;
      for (let i = 0; i < t; i++) if (free[i]) y[i]! += step * (z[i]! - y[i]!);
      // Free variables that reached the bound leave; the blocking one leaves even if rounding
      // kept it a hair above zero, so each inner pass shrinks the free set.
      for (let i = 0; i < t; i++) {
        if (free[i] && (i === blocking || y[i]! <= 0)) {
          free[i] = 0;
          y[i] = 0;
        }
      }
    }
    if (moved) barred.fill(0);
    else barred[j] = 1;
    gradient();
  }
  // Polish: one step of iterative refinement on the final free set brings w_free to rounding
  // level even when the free block is ill-conditioned.
  let anyFree = false;
  for (let i = 0; i < t; i++) if (free[i]) anyFree = true;
  if (anyFree) {
    gradient();
    const { idx, x } = solveFreeBlock(q, t, free, w);
    const n = idx.length;
    let ok = true;
    for (let u = 0; u < n; u++) if (!(y[idx[u]!]! + x[u]! > 0)) ok = false;
    if (ok) for (let u = 0; u < n; u++) y[idx[u]!]! += x[u]!;
  }
  return y;
}

/**
 * Q_FF·x = v_F on the free set F (the indices where `free` is set): the free indices and the
 * solution, by solvePsd on the gathered block.
 */
function solveFreeBlock(
  q: Float64Array,
  t: number,
  free: Uint8Array,
  v: Float64Array,
): { idx: number[]; x: Float64Array } {
  const idx: number[] = [];
  for (let i = 0; i < t; i++) if (free[i]) idx.push(i);
  const n = idx.length;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    b[r] = v[idx[r]!]!;
    for (let s = 0; s < n; s++) a[r * n + s] = q[idx[r]! * t + idx[s]!]!;
  }
  return { idx, x: solvePsd(a, n, b).x };
}
