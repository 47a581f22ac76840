import { ValueError } from '@mtl/tensor';

/**
 * Checks a T×T Gramian handed to one of the solvers and returns a symmetrised copy, so that the
 * solvers never read the caller's array again and a Gramian computed as G·Gᵀ in floating point
 * (symmetric and semi-definite only up to rounding) is accepted: diagonal entries within 1e-8 of
 * the trace below 0 are clamped to 0. Throws `ValueError` naming `solver` for a bad `t`, a wrong
 * length, a non-finite entry, a clearly negative diagonal or a clearly non-symmetric matrix.
 */
export function validateGram(gram: Float64Array, t: number, solver: string): Float64Array {
  if (!Number.isInteger(t) || t < 1) {
    throw new ValueError(`${solver}: t must be a positive integer — t=${t}`);
  }
  if (!(gram instanceof Float64Array) || gram.length !== t * t) {
    const len = (gram as { length?: number } | null)?.length;
    throw new ValueError(
      `${solver}: gram must be a Float64Array of length t*t=${t * t} — got length ${len} (a row-major T×T Gramian)`,
    );
  }
  let scale = 0;
  for (let i = 0; i < t * t; i++) {
    if (!Number.isFinite(gram[i])) {
      throw new ValueError(
        `${solver}: gram has a non-finite entry ${gram[i]} at [${Math.floor(i / t)},${i % t}]`,
      );
    }
  }
  for (let i = 0; i < t; i++) scale += Math.abs(gram[i * t + i]!);
  // A Gramian made in floating point is positive semi-definite only up to rounding: accept (and
  // clamp to 0) diagonal entries this far below 0, relative to the trace.
  const tol = 1e-8 * scale;
  for (let i = 0; i < t; i++) {
    if (gram[i * t + i]! < -tol) {
      throw new ValueError(
        `${solver}: gram[${i},${i}]=${gram[i * t + i]} is negative — not a Gramian (must be positive semi-definite)`,
      );
    }
  }
  const out = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) {
      const a = gram[i * t + j]!;
      const b = gram[j * t + i]!;
      if (Math.abs(a - b) > tol + 1e-300) {
        throw new ValueError(`${solver}: gram is not symmetric — gram[${i},${j}]=${a}, gram[${j},${i}]=${b}`);
      }
      out[i * t + j] = i === j ? Math.max(a, 0) : 0.5 * (a + b);
    }
  }
  return out;
}

/** tr(G) of a T×T row-major Gramian: the sum of its diagonal, in order. */
export function gramTrace(gram: Float64Array, t: number): number {
  let trace = 0;
  for (let i = 0; i < t; i++) trace += gram[i * t + i]!;
  return trace;
}
