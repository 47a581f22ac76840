import { checkBoolean } from '@mtl/tensor';
import { type MaskOptions, type MetricInput, metricOptions, regressionPairs } from './validate';

/** Options of {@link r2}. */
export interface R2Options extends MaskOptions {
  /**
   * What a constant target (SS_tot = 0) scores. `true` (the default, scikit-learn's
   * `force_finite=True`): 1 for a perfect prediction, else 0. `false`: the raw ratio, NaN for a
   * perfect prediction and −Infinity otherwise.
   */
  forceFinite?: boolean;
}

/**
 * Coefficient of determination R² = 1 − SS_res/SS_tot over the labelled entries, with
 * SS_res = Σ (yᵢ − ŷᵢ)² and SS_tot = Σ (yᵢ − ȳ)², ȳ the mean of the labelled targets. 1 is a
 * perfect fit, 0 is as good as predicting ȳ, and it is negative for anything worse.
 *
 * A constant target (SS_tot = 0) gives 1 for a perfect prediction and 0 otherwise, unless
 * `forceFinite: false`. For an `[N, D]` target, R² is computed per column and averaged
 * (scikit-learn's `'uniform_average'`); a column with fewer than 2 labelled entries has no R²
 * and is left out of the average. NaN when no column has 2 labelled entries. Shapes and missing
 * labels as in {@link mse}.
 *
 * @throws ShapeError naming `r2` and both shapes on a mismatch; ValueError for an argument that is
 *   not a Tensor or an array of numbers, a bad or unknown option, or a NaN prediction
 *   at a labelled entry.
 */
export function r2(prediction: MetricInput, target: MetricInput, options: R2Options = {}): number {
  const checked = metricOptions<R2Options>('r2', options, ['mask', 'forceFinite']);
  const forceFinite = checkBoolean('r2', 'forceFinite', checked.forceFinite, true);
  const {
    prediction: p,
    target: y,
    column,
    columns,
  } = regressionPairs('r2', prediction, target, checked.mask);
  const count = new Float64Array(columns);
  const mean = new Float64Array(columns);
  for (let i = 0; i < y.length; i++) {
    count[column[i]!]!++;
    mean[column[i]!]! += y[i]!;
  }
  for (let c = 0; c < columns; c++) mean[c]! /= count[c]!;
  const ssRes = new Float64Array(columns);
  const ssTot = new Float64Array(columns);
  for (let i = 0; i < y.length; i++) {
    ssRes[column[i]!]! += (y[i]! - p[i]!) ** 2;
    ssTot[column[i]!]! += (y[i]! - mean[column[i]!]!) ** 2;
  }
  let sum = 0;
  let scored = 0;
  for (let c = 0; c < columns; c++) {
    if (count[c]! < 2) continue;
    // A constant target has no variance to explain: scikit-learn's force_finite convention.
    if (ssTot[c] === 0 && forceFinite) sum += ssRes[c] === 0 ? 1 : 0;
    else sum += 1 - ssRes[c]! / ssTot[c]!;
    scored++;
  }
  return scored === 0 ? Number.NaN : sum / scored;
}
