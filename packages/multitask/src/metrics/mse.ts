import { type MaskOptions, type MetricInput, metricOptions, regressionPairs } from './validate';

/**
 * Mean squared error over the labelled entries: (1/n) Σ (ŷᵢ − yᵢ)².
 *
 * `prediction` and `target` have the same shape (size-1 dims aside, so `[N,1]` against `[N]` is
 * fine; nothing broadcasts). Entries whose target is NaN, or that `mask` marks 0, are left out;
 * with none left the result is NaN. For an `[N, D]` target this averages over all labelled
 * entries together.
 *
 * @throws ShapeError naming `mse` and both shapes on a mismatch; ValueError for an argument that is
 *   not a Tensor or an array of numbers, a bad or unknown option, or a NaN prediction
 *   at a labelled entry.
 */
export function mse(prediction: MetricInput, target: MetricInput, options: MaskOptions = {}): number {
  const { mask } = metricOptions<MaskOptions>('mse', options, ['mask']);
  const { prediction: p, target: y } = regressionPairs('mse', prediction, target, mask);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i]! - y[i]!) ** 2;
  return p.length === 0 ? Number.NaN : sum / p.length;
}
