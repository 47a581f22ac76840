import { type MaskOptions, type MetricInput, metricOptions, regressionPairs } from './validate';

/**
 * Mean absolute error over the labelled entries: (1/n) Σ |ŷᵢ − yᵢ|.
 *
 * Shapes and missing labels as in {@link mse}: NaN targets and `mask` zeros are left out, NaN
 * when nothing is labelled.
 *
 * @throws ShapeError naming `mae` and both shapes on a mismatch; ValueError for an argument that is
 *   not a Tensor or an array of numbers, a bad or unknown option, or a NaN prediction
 *   at a labelled entry.
 */
export function mae(prediction: MetricInput, target: MetricInput, options: MaskOptions = {}): number {
  const { mask } = metricOptions<MaskOptions>('mae', options, ['mask']);
  const { prediction: p, target: y } = regressionPairs('mae', prediction, target, mask);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i]! - y[i]!);
  return p.length === 0 ? Number.NaN : sum / p.length;
}
