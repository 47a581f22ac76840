/**
 * The Euclidean projection of `y` onto the probability simplex {x ≥ 0, Σx = 1}: x = max(y − τ, 0)
 * with τ from the sorted values (Held et al.; the form LibMTL's MoDo and SDMGrad use: sort
 * descending, take the first prefix k whose mean-excess (Σ_{i≤k} yᵢ − 1)/k exceeds the next
 * value, else the whole vector).
 */
export function projectSimplex(y: ArrayLike<number>): Float64Array {
  const m = y.length;
  const sorted = Float64Array.from(y).sort().reverse();
  let total = 0;
  for (let i = 0; i < m; i++) total += y[i]!;
  let tau = (total - 1) / m;
  let prefix = 0;
  for (let i = 0; i < m - 1; i++) {
    prefix += sorted[i]!;
    const candidate = (prefix - 1) / (i + 1);
    if (candidate > sorted[i + 1]!) {
      tau = candidate;
      break;
    }
  }
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = Math.max(y[i]! - tau, 0);
  return out;
}
