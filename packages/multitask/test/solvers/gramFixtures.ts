/** Shared fixtures of the solver tests: seeded random gradients, their Gramians, residuals. */

/** Seeded uniform generator (mulberry32) so every case is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * T rows of d roughly normal entries (a sum of three uniforms); with `shift`, about 30% of the
 * entries are moved by it, which gives the rows a common component.
 */
export function gradRows(t: number, d: number, seed: number, shift = 0): Float64Array[] {
  const r = rng(seed);
  return Array.from({ length: t }, () =>
    Float64Array.from({ length: d }, () => {
      const v = r() + r() + r() - 1.5;
      return shift === 0 ? v : v + (r() < 0.3 ? shift : 0);
    }),
  );
}

/** G·Gᵀ of the rows, T×T row-major. */
export function gramOf(grads: Float64Array[]): Float64Array {
  const t = grads.length;
  const gram = new Float64Array(t * t);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < t; j++) {
      let s = 0;
      for (let k = 0; k < grads[i]!.length; k++) s += grads[i]![k]! * grads[j]![k]!;
      gram[i * t + j] = s;
    }
  return gram;
}

/** The Gramian of `gradRows(t, d, seed, shift)`. */
export function randomGram(t: number, d: number, seed: number, shift = 0): Float64Array {
  return gramOf(gradRows(t, d, seed, shift));
}

export function matVec(gram: Float64Array, t: number, x: Float64Array): Float64Array {
  const out = new Float64Array(t);
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) out[i]! += gram[i * t + j]! * x[j]!;
  return out;
}

/** max_i |(gram·x)_i · x_i^p − 1|: the residual of gram·x = x^(−p), relative per task. */
export function residual(gram: Float64Array, t: number, x: Float64Array, p: number): number {
  const gx = matVec(gram, t, x);
  let res = 0;
  for (let i = 0; i < t; i++) res = Math.max(res, Math.abs(gx[i]! * x[i]! ** p - 1));
  return res;
}
