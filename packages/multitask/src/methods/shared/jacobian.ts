import { kernelStorageZeros, Tensor } from '@mtl/tensor';

/**
 * A [T, d] buffer for the Jacobian J of the task losses (one task gradient per row, in the
 * gradients' dtype), reused while T, d and the dtype stay the same — float32 ones in kernel
 * storage, where `rowGramian` and `rowCombination` read it in place: no allocation of T·d
 * numbers per step.
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

/** The rows of J as float64 arrays. */
export function rowsOf(jacobian: Tensor): Float64Array[] {
  const [t, n] = jacobian.shape as [number, number];
  return Array.from({ length: t }, (_, i) => Float64Array.from(jacobian.data.subarray(i * n, (i + 1) * n)));
}
