import { solvePsd } from './solvePsd';

/**
 * Solves g·x = x^(−p) elementwise for x > 0 (g a T×T PSD matrix, p > 0) — the common equation
 * of Nash-MTL (p = 1 on a normalised Gramian) and FairGrad (p = 1/alpha).
 *
 * Why Newton on a convex function rather than the fixed point: the equation is the gradient
 * of f(x) = ½xᵀgx − Σψ(x_i) with ψ' = x^(−p) (ψ = log x for p = 1), and ψ is strictly concave,
 * so f is strictly convex on x > 0 and its minimiser is the unique solution. Newton's Hessian
 * g + diag(p·x^(−p−1)) is positive definite for any PSD g, a fraction-to-boundary rule keeps
 * x > 0, and backtracking on f makes each step a descent step; near the solution convergence
 * is quadratic. The start solves the diagonal problem exactly and rescales it along its ray.
 *
 * When no solution exists (a task whose gradient is zero or lies in a direction that no
 * positive combination can cancel, e.g. a zero row of g), f is unbounded below, x grows along
 * that direction, and the last iterate of `maxIter` steps is returned — finite, never NaN.
 *
 * Returns x and the relative residual max_i |x_i^p·(g·x)_i − 1|.
 */
export function powerBarrierNewton(
  g: Float64Array,
  t: number,
  p: number,
  maxIter: number,
): { x: Float64Array; residual: number } {
  const psi = (v: number) => (p === 1 ? Math.log(v) : v ** (1 - p) / (1 - p));
  const f = (x: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < t; i++) {
      let r = 0;
      for (let j = 0; j < t; j++) r += g[i * t + j]! * x[j]!;
      s += 0.5 * x[i]! * r - psi(x[i]!);
    }
    return s;
  };
  let maxDiag = 0;
  for (let i = 0; i < t; i++) maxDiag = Math.max(maxDiag, g[i * t + i]!);
  const floor = 1e-12 * maxDiag + 1e-300;
  // Diagonal problem: g_ii·x = x^(−p) ⇒ x = g_ii^(−1/(1+p)).
  let x = new Float64Array(t);
  for (let i = 0; i < t; i++) x[i] = Math.max(g[i * t + i]!, floor) ** (-1 / (1 + p));
  // Best multiple s·x along the ray: s^(1+p)·xᵀgx = Σ x_i^(1−p).
  let q = 0;
  let m = 0;
  for (let i = 0; i < t; i++) {
    let r = 0;
    for (let j = 0; j < t; j++) r += g[i * t + j]! * x[j]!;
    q += x[i]! * r;
    m += x[i]! ** (1 - p);
  }
  if (q > 0) {
    const s = (m / q) ** (1 / (1 + p));
    for (let i = 0; i < t; i++) x[i]! *= s;
  }
  const residualOf = (v: Float64Array): { res: number; gv: Float64Array } => {
    const gv = new Float64Array(t);
    let res = 0;
    for (let i = 0; i < t; i++) {
      let r = 0;
      for (let j = 0; j < t; j++) r += g[i * t + j]! * v[j]!;
      gv[i] = r;
      res = Math.max(res, Math.abs(v[i]! ** p * r - 1));
    }
    return { res, gv };
  };
  let { res: residual, gv: gx } = residualOf(x);
  let fx = f(x);
  for (let iter = 0; iter < maxIter && residual > 1e-14; iter++) {
    const grad = new Float64Array(t);
    const h = new Float64Array(t * t);
    for (let i = 0; i < t; i++) {
      grad[i] = gx[i]! - x[i]! ** -p;
      for (let j = 0; j < t; j++) h[i * t + j] = g[i * t + j]!;
      h[i * t + i]! += p * x[i]! ** (-p - 1);
    }
    const { x: dir0 } = solvePsd(h, t, grad);
    const dir = dir0.map((v) => -v);
    // Fraction to the boundary: never let a weight reach 0 in one step.
    let step = 1;
    for (let i = 0; i < t; i++) if (dir[i]! < 0) step = Math.min(step, (-0.99 * x[i]!) / dir[i]!);
    let slope = 0;
    for (let i = 0; i < t; i++) slope += grad[i]! * dir[i]!;
    let next = x;
    let fNext = fx;
    let nextRes = { res: residual, gv: gx };
    for (let k = 0; k < 60; k++) {
      const trial = x.map((v, i) => v + step * dir[i]!);
      const ft = f(trial);
      // Near the solution f changes at rounding level and Armijo cannot see progress; there the
      // equation's own residual decides.
      const tr = residualOf(trial);
      if (ft <= fx + 1e-4 * step * slope || tr.res < 0.5 * residual) {
        next = trial;
        fNext = ft;
        nextRes = tr;
        break;
      }
      step /= 2;
    }
    if (next === x) break;
    x = next;
    fx = fNext;
    residual = nextRes.res;
    gx = nextRes.gv;
  }
  return { x, residual };
}
