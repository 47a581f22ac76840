import { validateGram } from './validateGram';

/** Options of {@link minNormSimplexFrankWolfe}; the defaults are LibMTL's MAX_ITER and STOP_CRIT. */
export interface MinNormSimplexFrankWolfeOptions {
  /** Iteration cap. Default 250. */
  maxIter?: number;
  /** Stop when Σ|α_new − α| < tol (and return the previous α, as LibMTL does). Default 1e-5. */
  tol?: number;
}

/** LibMTL's 2-point closed form: weight γ of the first point in min_γ ‖γx₁ + (1−γ)x₂‖², and its cost. */
function minNormFrom2(v1v1: number, v1v2: number, v2v2: number): [number, number] {
  if (v1v2 >= v1v1) return [0.999, v1v1];
  if (v1v2 >= v2v2) return [0.001, v2v2];
  const gamma = -1.0 * ((v1v2 - v2v2) / (v1v1 + v2v2 - 2 * v1v2));
  return [gamma, v2v2 + gamma * (v1v2 - v2v2)];
}

/** LibMTL's Euclidean projection onto the simplex (sort-based). */
function projectToSimplex(y: Float64Array): Float64Array {
  const m = y.length;
  const sorted = Array.from(y).sort((a, b) => b - a);
  let sum = 0;
  for (let i = 0; i < m; i++) sum += y[i]!;
  let tmaxF = (sum - 1.0) / m;
  let tmpsum = 0;
  for (let i = 0; i < m - 1; i++) {
    tmpsum += sorted[i]!;
    const tmax = (tmpsum - 1) / (i + 1.0);
    if (tmax > sorted[i + 1]!) {
      tmaxF = tmax;
      break;
    }
  }
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = Math.max(y[i]! - tmaxF, 0);
  return out;
}

/** LibMTL's `_next_point`: a step along the projected gradient to the first face, then projection. */
function nextPoint(cur: Float64Array, grad: Float64Array): Float64Array {
  const n = cur.length;
  let gs = 0;
  for (let i = 0; i < n; i++) gs += grad[i]!;
  const proj = new Float64Array(n);
  for (let i = 0; i < n; i++) proj[i] = grad[i]! - gs / n;
  // LibMTL: t = min(tm1 > 1e-7) if any, replacing the default 1; then min with tm2 > 1e-7.
  let t = 1;
  let tm1Min = Number.POSITIVE_INFINITY;
  let tm2Min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (proj[i]! < 0) {
      const tm1 = (-1.0 * cur[i]!) / proj[i]!;
      if (tm1 > 1e-7) tm1Min = Math.min(tm1Min, tm1);
    } else if (proj[i]! > 0) {
      const tm2 = (1.0 - cur[i]!) / proj[i]!;
      if (tm2 > 1e-7) tm2Min = Math.min(tm2Min, tm2);
    }
  }
  if (tm1Min < Number.POSITIVE_INFINITY) t = tm1Min;
  if (tm2Min < Number.POSITIVE_INFINITY) t = Math.min(t, tm2Min);
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) next[i] = proj[i]! * t + cur[i]!;
  return projectToSimplex(next);
}

function quad(g: Float64Array, t: number, a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < t; i++) {
    let r = 0;
    for (let j = 0; j < t; j++) r += g[i * t + j]! * b[j]!;
    s += a[i]! * r;
  }
  return s;
}

/**
 * MGDA's min-norm point by LibMTL's procedure (`MGDA._find_min_norm_element`, from Sener &
 * Koltun's MinNormSolver), step for step: start from the best pair of tasks with the 2-task
 * closed form (γ clamped to 0.999/0.001 at the ends), then Frank–Wolfe-style steps (projected
 * gradient step to the first face, simplex projection, exact line search by the same closed
 * form) until Σ|change| < tol. It is the reference for matching LibMTL's numbers; use
 * {@link minNormSimplex} for the exact minimiser.
 *
 * Differences from LibMTL, all where LibMTL fails: T = 1 returns [1] (LibMTL raises); the
 * iteration count is actually capped at `maxIter` (LibMTL never increments its counter, so it
 * can loop forever); the first pair is found with no 1e8 cost ceiling (LibMTL raises if every
 * pair costs more), which selects the same pair whenever LibMTL returns.
 *
 * @throws ValueError naming `minNormSimplexFrankWolfe` for a wrong size or a non-finite entry.
 */
export function minNormSimplexFrankWolfe(
  gram: Float64Array,
  t: number,
  options: MinNormSimplexFrankWolfeOptions = {},
): Float64Array {
  const maxIter = options.maxIter ?? 250;
  const tol = options.tol ?? 1e-5;
  const g = validateGram(gram, t, 'minNormSimplexFrankWolfe');
  if (t === 1) return Float64Array.of(1);
  let dmin = Number.POSITIVE_INFINITY;
  let bi = 0;
  let bj = 1;
  let bc = 0;
  for (let i = 0; i < t; i++) {
    for (let j = i + 1; j < t; j++) {
      const [c, d] = minNormFrom2(g[i * t + i]!, g[i * t + j]!, g[j * t + j]!);
      if (d < dmin) {
        dmin = d;
        bi = i;
        bj = j;
        bc = c;
      }
    }
  }
  let sol = new Float64Array(t);
  sol[bi] = bc;
  sol[bj] = 1 - bc;
  if (t < 3) return sol;
  for (let iter = 0; iter < maxIter; iter++) {
    const gradDir = new Float64Array(t);
    for (let i = 0; i < t; i++) {
      let r = 0;
      for (let j = 0; j < t; j++) r += g[i * t + j]! * sol[j]!;
      gradDir[i] = -1.0 * r;
    }
    const np = nextPoint(sol, gradDir);
    const [nc] = minNormFrom2(quad(g, t, sol, sol), quad(g, t, sol, np), quad(g, t, np, np));
    const next = new Float64Array(t);
    let change = 0;
    for (let i = 0; i < t; i++) {
      next[i] = nc * sol[i]! + (1 - nc) * np[i]!;
      change += Math.abs(next[i]! - sol[i]!);
    }
    if (change < tol) return sol;
    sol = next;
  }
  return sol;
}
