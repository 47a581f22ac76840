/**
 * Σ (aᵢ − bᵢ)² over two arrays of one length, summed in float64. With `float32`, each difference
 * and each square is rounded to float32 first, as the ops `sub` and `mul` round them, so the
 * fused loss gives the composite's sum bit for bit.
 */
export function squaredErrorSum(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  float32: boolean,
): number {
  let sum = 0;
  const n = a.length;
  if (float32) {
    for (let i = 0; i < n; i++) {
      const d = Math.fround(a[i]! - b[i]!);
      sum += Math.fround(d * d);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = a[i]! - b[i]!;
      sum += d * d;
    }
  }
  return sum;
}
