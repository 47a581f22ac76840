import { LinAlgError, solve, Tensor, ValueError } from '@mtl/tensor';
import { minNormSimplex } from './minNormSimplex';
import { gramTrace, validateGram } from './validateGram';

/** Options of {@link cagradWeights}. */
export interface CagradWeightsOptions {
  /**
   * The radius c ≥ 0 of CAGrad's ball, in gradient units: the caller passes
   * c = calpha·‖g₀‖ with ‖g₀‖ = sqrt(1ᵀ·gram·1)/T (calpha = 0.5 in the paper).
   */
  c: number;
  /** Cap on the steps of the 1-D search over τ (each one an exact min-norm solve). Default 100. */
  maxIter?: number;
}

/**
 * CAGrad's inner problem, solved exactly: w on the simplex minimising
 * wᵀ(gram·1)/T + c·sqrt(wᵀ·gram·w), i.e. ⟨g_w, g₀⟩ + c‖g_w‖ with g_w = Σ w_i g_i, g₀ the mean.
 *
 * Why this way: ‖x‖ = min_τ>0 (‖x‖²/(2τ) + τ/2), so for fixed τ the problem is
 * min_w ⟨g_w, g₀⟩ + κ‖g_w‖² with κ = c/(2τ), which on the simplex equals (up to a constant)
 * ‖Σ w_i (√κ·g_i + g₀/(2√κ))‖² — a min-norm problem over shifted points, solved exactly by
 * {@link minNormSimplex}. The optimal τ is the fixed point τ = ‖g_w(τ)‖; τ − ‖g_w(τ)‖ is
 * non-decreasing in τ (it has the sign of the derivative of a convex function of τ), so a
 * bracketed false-position search finds it to rounding level. At the fixed point the weights
 * satisfy the original KKT conditions. This replaces the SLSQP call of the reference code.
 *
 * Degenerate cases: c = 0 returns the vertex of the smallest (gram·1)_i (the problem is linear);
 * all gradients zero returns uniform weights; when the optimum has g_w = 0 (possible for
 * calpha ≥ 1) the objective is not differentiable there and the weights of the last search
 * step, whose g_w is at rounding level, are returned.
 *
 * @throws ValueError naming `cagradWeights` for a wrong size, a non-finite entry, or c < 0.
 */
export function cagradWeights(gram: Float64Array, t: number, options: CagradWeightsOptions): Float64Array {
  const g = validateGram(gram, t, 'cagradWeights');
  const c = options?.c;
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
    throw new ValueError(`cagradWeights: c must be a finite number ≥ 0 — got ${c} (pass calpha·‖g₀‖)`);
  }
  const maxIter = options.maxIter ?? 100;
  if (t === 1) return Float64Array.of(1);
  const trace = gramTrace(g, t);
  if (!(trace > 0)) return new Float64Array(t).fill(1 / t);
  // Scale-free: the minimiser is unchanged when gram is divided by its trace and c by sqrt(trace).
  const gs = g.map((v) => v / trace);
  const cs = c / Math.sqrt(trace);
  const b = new Float64Array(t);
  let g0sq = 0;
  let maxDiag = 0;
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) b[i]! += gs[i * t + j]! / t;
    g0sq += b[i]! / t;
    maxDiag = Math.max(maxDiag, gs[i * t + i]!);
  }
  // A Gramian made in floating point is positive semi-definite only up to rounding: for nearly
  // opposed gradients ‖g₀‖² can round to 0 while ⟨g_i, g₀⟩ does not, and the shifted points below
  // would get a negative squared norm (−2e-10 on the paper's toy). Cauchy–Schwarz,
  // ⟨g_i, g₀⟩² ≤ ‖g_i‖²·‖g₀‖², holds exactly; raising ‖g₀‖² to it keeps every gk[i,i] ≥ 0.
  for (let i = 0; i < t; i++) {
    const d = gs[i * t + i]!;
    if (d > 0) g0sq = Math.max(g0sq, (b[i]! * b[i]!) / d);
  }
  if (cs === 0) {
    let k = 0;
    for (let i = 1; i < t; i++) if (b[i]! < b[k]!) k = i;
    const w = new Float64Array(t);
    w[k] = 1;
    return w;
  }
  const weightsAt = (tau: number): { w: Float64Array; phi: number } => {
    const kappa = cs / (2 * tau);
    const shift = Math.max(g0sq, 0) / (4 * kappa);
    const gk = new Float64Array(t * t);
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) gk[i * t + j] = kappa * gs[i * t + j]! + 0.5 * (b[i]! + b[j]!) + shift;
    }
    // gk[i,i] = ‖√κ·g_i + g₀/(2√κ)‖² ≥ 0 is summed from terms that cancel when that point is
    // near 0: clamp what rounding leaves below 0 (within the terms' rounding error).
    for (let i = 0; i < t; i++) {
      const ii = i * t + i;
      const terms = kappa * gs[ii]! + Math.abs(b[i]!) + shift;
      if (gk[ii]! < 0 && gk[ii]! >= -1e-12 * terms) gk[ii] = 0;
    }
    const w = minNormSimplex(gk, t);
    let q = 0;
    for (let i = 0; i < t; i++) {
      let s = 0;
      for (let j = 0; j < t; j++) s += gs[i * t + j]! * w[j]!;
      q += w[i]! * s;
    }
    return { w, phi: tau - Math.sqrt(Math.max(q, 0)) };
  };
  // ‖g_w‖ ≤ max_i ‖g_i‖, so φ ≥ 0 at that τ: an upper end of the bracket.
  let hi = Math.sqrt(maxDiag);
  let atHi = weightsAt(hi);
  if (atHi.phi <= 0) return atHi.w;
  let lo = hi / 2;
  let atLo = weightsAt(lo);
  let iter = 0;
  while (atLo.phi > 0 && iter < maxIter) {
    iter++;
    hi = lo;
    atHi = atLo;
    lo /= 8;
    atLo = weightsAt(lo);
    // g_w → 0 at the optimum: the non-smooth case; these weights already give ‖g_w‖ ≤ lo.
    if (lo < 1e-15 * Math.sqrt(maxDiag)) return atLo.w;
  }
  if (atLo.phi === 0) return atLo.w;
  const tolTau = 1e-15 * Math.sqrt(maxDiag);
  let side = 0;
  let best = atHi.phi < -atLo.phi ? atHi : atLo;
  let fLo = atLo.phi;
  let fHi = atHi.phi;
  while (iter < maxIter && hi - lo > tolTau) {
    iter++;
    let tau = lo - (fLo * (hi - lo)) / (fHi - fLo);
    if (!(tau > lo && tau < hi)) tau = 0.5 * (lo + hi);
    const at = weightsAt(tau);
    if (Math.abs(at.phi) < Math.abs(best.phi)) best = at;
    if (Math.abs(at.phi) <= tolTau) break;
    // Illinois variant of false position: when the same end is kept twice, halve its value so
    // the kept end moves too and convergence stays superlinear.
    if (at.phi < 0) {
      lo = tau;
      fLo = at.phi;
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      hi = tau;
      fHi = at.phi;
      if (side === 1) fLo /= 2;
      side = 1;
    }
  }
  return polish(best.w, gs, b, cs, t);
}

/**
 * A few Newton steps on the original objective f(w) = bᵀw + c·‖g_w‖, restricted to the face of
 * the simplex the search found (its support). The search works on a shifted min-norm problem
 * whose large constant costs digits when the gradients differ in scale by orders of magnitude;
 * these steps recover them. A step that leaves the face or does not lower f is not taken.
 */
function polish(w0: Float64Array, gs: Float64Array, b: Float64Array, cs: number, t: number): Float64Array {
  const support = [...w0.keys()].filter((i) => w0[i]! > 1e-12);
  const m = support.length;
  if (m < 2) return w0;
  const objective = (w: Float64Array) => {
    let lin = 0;
    let q = 0;
    for (let i = 0; i < t; i++) {
      lin += b[i]! * w[i]!;
      for (let j = 0; j < t; j++) q += w[i]! * gs[i * t + j]! * w[j]!;
    }
    return lin + cs * Math.sqrt(Math.max(q, 0));
  };
  let w = w0;
  let f = objective(w);
  for (let iter = 0; iter < 5; iter++) {
    const gw = new Float64Array(t);
    for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) gw[i]! += gs[i * t + j]! * w[j]!;
    let q = 0;
    for (let i = 0; i < t; i++) q += w[i]! * gw[i]!;
    const n = Math.sqrt(Math.max(q, 0));
    if (!(n > 0)) return w;
    // Bordered Newton system on the support: [H 1; 1ᵀ 0]·[Δw; λ] = [−∇f; 0].
    const k = m + 1;
    const a = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    support.forEach((i, r) => {
      support.forEach((j, col) => {
        a[r * k + col] = cs * (gs[i * t + j]! / n - (gw[i]! * gw[j]!) / (n * n * n));
      });
      a[r * k + m] = 1;
      a[m * k + r] = 1;
      rhs[r] = -(b[i]! + (cs * gw[i]!) / n);
    });
    let step: Float64Array;
    try {
      step = solve(new Tensor(a, [k, k]), new Tensor(rhs, [k])).data as Float64Array;
    } catch (error) {
      if (error instanceof LinAlgError) return w;
      throw error;
    }
    const next = Float64Array.from(w);
    support.forEach((i, r) => {
      next[i] = w[i]! + step[r]!;
    });
    if (support.some((i) => next[i]! < 0)) return w;
    const fNext = objective(next);
    if (!(fNext <= f)) return w;
    w = next;
    f = fNext;
  }
  return w;
}
