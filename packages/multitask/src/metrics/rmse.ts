import { type MaskOptions, type MetricInput, metricOptions, regressionPairs } from './validate';

/**
 * Root mean squared error over the labelled entries: √((1/n) Σ (ŷᵢ − yᵢ)²), in the target's units.
 *
 * Shapes and missing labels as in {@link mse}. For an `[N, D]` target this is the root of the
 * mean over all labelled entries (scikit-learn instead averages per-column RMSEs).
 *
 * @throws ShapeError naming `rmse` and both shapes on a mismatch; ValueError for an argument that is
 *   not a Tensor or an array of numbers, a bad or unknown option, or a NaN prediction
 *   at a labelled entry.
 */
export function rmse(prediction: MetricInput, target: MetricInput, options: MaskOptions = {}): number {
  const { mask } = metricOptions<MaskOptions>('rmse', options, ['mask']);
  const { prediction: p, target: y } = regressionPairs('rmse', prediction, target, mask);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i]! - y[i]!) ** 2;
  return p.length === 0 ? Number.NaN : Math.sqrt(sum / p.length);
}
