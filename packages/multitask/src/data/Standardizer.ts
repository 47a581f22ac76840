import {
  DTypeError,
  formatShape,
  formatValue,
  MtlError,
  mustBe,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { checkTensor } from './check';

/** The fitted statistics, as {@link Standardizer.toJSON} writes them. */
export interface StandardizerJSON {
  mean: number[];
  std: number[];
}

/**
 * Per-column standardisation, like scikit-learn's `StandardScaler`: `fit` learns each column's
 * mean and population standard deviation (divide by N), `transform` maps x to (x − mean) / std,
 * `inverseTransform` maps back. Fit on the training split and apply the same statistics to
 * validation and test; for regression targets, `inverseTransform` the predictions to report
 * metrics in the original units.
 *
 * NaN entries (missing labels, say) are ignored when fitting and stay NaN through both maps.
 * A column whose std is zero (constant; precisely std ≤ 1e-10·|mean|, so rounding noise counts
 * as zero) gets std 1, so it is centred but not blown up; an all-NaN column gets mean 0 and
 * std 1. Input is [N, F], [N] (one column) or [N, C, …] (images: per channel, as torchvision's
 * `Normalize` with the training set's statistics — over every sample and position of the
 * channel); the output has the input's shape and float dtype.
 */
export class Standardizer {
  private meanValues: Float64Array | undefined;
  private stdValues: Float64Array | undefined;

  /** Whether `fit` (or `fromJSON`) has supplied the statistics. */
  get fitted(): boolean {
    return this.meanValues !== undefined;
  }

  /** Per-column (per-channel for images) means, float64 [F]. @throws MtlError before fitting */
  get mean(): Tensor {
    return tensor(this.stats('mean').mean.slice());
  }

  /** Per-column standard deviations as used (zero-std columns show 1), float64 [F]. @throws MtlError before fitting */
  get std(): Tensor {
    return tensor(this.stats('std').std.slice());
  }

  /**
   * Learns per-column mean and population std from `x`, ignoring NaN.
   * @returns this standardizer, for chaining
   * @throws ValueError for an x that is not a Tensor, DTypeError for non-float input, ShapeError
   *   for a 0-d input
   */
  fit(x: Tensor): this {
    const { rows, cols, inner } = this.layout('fit', x);
    const mean = new Float64Array(cols);
    const std = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let count = 0;
      for (let r = 0; r < rows; r++) {
        for (let k = (r * cols + c) * inner, end = k + inner; k < end; k++) {
          const v = x.data[k]!;
          if (!Number.isNaN(v)) {
            sum += v;
            count++;
          }
        }
      }
      if (count === 0) {
        mean[c] = 0;
        std[c] = 1;
        continue;
      }
      const m = sum / count;
      let squares = 0;
      for (let r = 0; r < rows; r++) {
        for (let k = (r * cols + c) * inner, end = k + inner; k < end; k++) {
          const v = x.data[k]!;
          if (!Number.isNaN(v)) squares += (v - m) * (v - m);
        }
      }
      const s = Math.sqrt(squares / count);
      mean[c] = m;
      std[c] = s === 0 || s <= 1e-10 * Math.abs(m) ? 1 : s;
    }
    this.meanValues = mean;
    this.stdValues = std;
    return this;
  }

  /** (x − mean) / std per column, in x's dtype. @throws ShapeError when the columns differ from the fit */
  transform(x: Tensor): Tensor {
    return this.apply('transform', x, (v, m, s) => (v - m) / s);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** x · std + mean per column: undoes `transform` (predictions back in original units). */
  inverseTransform(x: Tensor): Tensor {
    return this.apply('inverseTransform', x, (v, m, s) => v * s + m);
  }

  /** The fitted statistics as plain numbers. @throws MtlError before fitting */
  toJSON(): StandardizerJSON {
    const { mean, std } = this.stats('toJSON');
    return { mean: Array.from(mean), std: Array.from(std) };
  }

  /**
   * A fitted standardizer from `toJSON()` output.
   * @throws ValueError unless mean and std are equal-length arrays of finite numbers, std > 0
   */
  static fromJSON(json: StandardizerJSON): Standardizer {
    if (typeof json !== 'object' || json === null) {
      throw new ValueError(
        mustBe(
          'Standardizer.fromJSON',
          'json',
          '{ mean: number[], std: number[] }',
          json,
          'as toJSON() writes',
        ),
      );
    }
    const { mean, std } = json as Partial<StandardizerJSON>;
    if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== std.length) {
      throw new ValueError(
        'Standardizer.fromJSON: expected { mean: number[], std: number[] } of equal lengths, as toJSON() writes',
      );
    }
    mean.forEach((m, i) => {
      if (typeof m !== 'number' || !Number.isFinite(m)) {
        throw new ValueError(`Standardizer.fromJSON: mean[${i}]=${formatValue(m)} is not a finite number`);
      }
    });
    std.forEach((s, i) => {
      if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) {
        throw new ValueError(`Standardizer.fromJSON: std[${i}]=${formatValue(s)} is not a finite number > 0`);
      }
    });
    const out = new Standardizer();
    out.meanValues = Float64Array.from(mean);
    out.stdValues = Float64Array.from(std);
    return out;
  }

  private stats(op: string): { mean: Float64Array; std: Float64Array } {
    if (this.meanValues === undefined || this.stdValues === undefined) {
      throw new MtlError(
        `Standardizer.${op}: not fitted yet (call fit(train) first, or Standardizer.fromJSON)`,
      );
    }
    return { mean: this.meanValues, std: this.stdValues };
  }

  /** x as rows × columns (features, or channels) × inner values (an image channel's positions). */
  private layout(op: string, x: Tensor): { rows: number; cols: number; inner: number } {
    checkTensor(`Standardizer.${op}`, 'x', x, 'an [N], [N, F] or [N, C, …] float tensor');
    if (x.dtype !== 'float32' && x.dtype !== 'float64') {
      throw new DTypeError(`Standardizer.${op}: x must be float32 or float64 — got ${x.dtype}`);
    }
    if (x.rank === 0) {
      throw new ShapeError(`Standardizer.${op}: x must be [N], [N, F] or [N, C, …] — got a 0-d tensor`);
    }
    const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
    return { rows: x.shape[0]!, cols: x.rank === 1 ? 1 : x.shape[1]!, inner };
  }

  private apply(op: string, x: Tensor, f: (v: number, mean: number, std: number) => number): Tensor {
    const { mean, std } = this.stats(op);
    const { rows, cols, inner } = this.layout(op, x);
    if (cols !== mean.length) {
      throw new ShapeError(
        `Standardizer.${op}: x has ${cols} column${cols === 1 ? '' : 's'} (x.shape=${formatShape(x.shape)}) ` +
          `but the standardizer was fitted on ${mean.length}`,
      );
    }
    const out = x.clone();
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let k = (r * cols + c) * inner, end = k + inner; k < end; k++) {
          out.data[k] = f(x.data[k]!, mean[c]!, std[c]!);
        }
      }
    }
    return out;
  }
}
