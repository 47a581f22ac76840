/** scale·softmax(x), computed with the max subtracted. */
export function scaledSoftmax(x: readonly number[], scale = 1): number[] {
  const top = Math.max(...x);
  const e = x.map((v) => Math.exp(v - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => (scale * v) / s);
}
