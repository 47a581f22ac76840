import {
  DTypeError,
  formatShape,
  formatValue,
  IndexError,
  mustBe,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { checkOptions, checkRecord, checkTensor, ownEntries, taskRecord } from './check';

/** What {@link MultiTaskDataset} is built from. */
export interface MultiTaskDatasetOptions {
  /** The inputs, float32 or float64, one row per sample: [N, F], or [N, C, H, W] for images (any [N, …]). */
  features: Tensor;
  /**
   * One label tensor per task, each with N rows (see {@link MultiTaskDataset} for the encodings
   * of regression, binary and multiclass labels and of missing labels).
   */
  labels: Readonly<Record<string, Tensor>>;
}

/**
 * Features and per-task labels for N samples, stored column-oriented: one [N, F] feature tensor
 * (or [N, C, H, W] images, any [N, …]) and one label tensor per task, all sharing row i for
 * sample i.
 *
 * Label encodings (what the Trainer's default losses and metrics read):
 * - regression: float32/float64, [N] or [N, k]; NaN marks a missing label (a row with a NaN in
 *   any column counts as missing);
 * - binary: float32/float64 0 or 1, [N] (or [N, 1]); NaN marks a missing label;
 * - multiclass: int32 class indices in [0, K), [N]; −1 (any negative) marks a missing label.
 *
 * The dataset does not know task types: the dtype tells the missing-label convention (int32 →
 * negative, float → NaN). Bool labels are refused, since a bool cannot say "missing".
 *
 * Any string is a task name, `__proto__` and `constructor` included: `labels` is kept in a
 * null-prototype object. A dataset may have no rows (an empty split part), but a
 * `DataLoader` refuses one. Other properties of the options object are ignored, so a
 * built-in dataset's columns wrap as they are: `new MultiTaskDataset(penguins())`.
 *
 * ```ts
 * const data = new MultiTaskDataset({ features: x, labels: { species, sex, mass } });
 * data.labelMask('sex'); // bool [N]: which samples have a sex label
 * ```
 */
export class MultiTaskDataset {
  readonly features: Tensor;
  readonly labels: Readonly<Record<string, Tensor>>;

  /**
   * @throws ValueError if the options are not `{ features, labels }` with a Tensor of features
   *   and an object of label Tensors (the message names the argument and what it got)
   * @throws ShapeError if features is not 2-d, or a task's labels are not [N] / [N, k] with N
   *   the number of feature rows (the message names the task and both sizes)
   * @throws DTypeError for non-float features, bool labels, or int32 labels that are not 1-d
   */
  constructor(options: MultiTaskDatasetOptions) {
    const op = 'MultiTaskDataset';
    // Other keys are ignored: `new MultiTaskDataset(penguins())` wraps a dataset's columns.
    const checked = checkOptions(op, 'options', options, ['features', 'labels'], { ignoreOthers: true });
    const features = checkTensor(
      op,
      'features',
      checked.features,
      'an [N, F] (or [N, C, H, W], …) float tensor',
    );
    if (checked.labels === undefined || checked.labels === null) {
      throw new ValueError(
        mustBe(
          op,
          'labels',
          'an object of label tensors, one per task',
          checked.labels,
          'pass labels: {} for none',
        ),
      );
    }
    const labels = checkRecord(op, 'labels', checked.labels, '{ species: Tensor, mass: Tensor }');
    for (const [task, y] of ownEntries(labels)) {
      checkTensor(op, `labels[${JSON.stringify(task)}]`, y, 'one label tensor of N rows per task');
    }
    if (features.rank < 2) {
      throw new ShapeError(
        `MultiTaskDataset: features must be [N, F] (or [N, C, H, W] images, any [N, …]) — got features.shape=${formatShape(features.shape)} ` +
          '(reshape a single feature column to [N, 1])',
      );
    }
    if (features.dtype !== 'float32' && features.dtype !== 'float64') {
      throw new DTypeError(
        `MultiTaskDataset: features must be float32 or float64 — got ${features.dtype} (use features.to('float32'))`,
      );
    }
    const n = features.shape[0]!;
    for (const [task, y] of ownEntries(labels as Record<string, Tensor>)) {
      if (y.rank !== 1 && y.rank !== 2) {
        throw new ShapeError(
          `MultiTaskDataset: labels of task "${task}" must be [N] or [N, k] — got shape ${formatShape(y.shape)}`,
        );
      }
      if (y.shape[0] !== n) {
        throw new ShapeError(
          `MultiTaskDataset: task "${task}" has ${y.shape[0]} labels but features have ${n} rows — ` +
            `labels.shape=${formatShape(y.shape)}, features.shape=${formatShape(features.shape)}`,
        );
      }
      if (y.dtype === 'bool') {
        throw new DTypeError(
          `MultiTaskDataset: labels of task "${task}" are bool — binary labels are float 0/1 with NaN ` +
            "for missing (use labels.to('float32'))",
        );
      }
      if (y.dtype === 'int32' && y.rank !== 1) {
        throw new DTypeError(
          `MultiTaskDataset: int32 labels of task "${task}" must be 1-d class indices [N] — got shape ` +
            `${formatShape(y.shape)} (float labels for regression targets)`,
        );
      }
    }
    this.features = features;
    // A null-prototype copy: a task named like an Object.prototype member (`__proto__`,
    // `constructor`) is an ordinary key.
    this.labels = Object.freeze(taskRecord(ownEntries(labels as Record<string, Tensor>)));
  }

  /** Number of samples N. */
  get length(): number {
    return this.features.shape[0]!;
  }

  /** Number of feature values per sample: F for [N, F] features, C·H·W for [N, C, H, W]. */
  get numFeatures(): number {
    return this.sampleShape.reduce((a, b) => a * b, 1);
  }

  /** The shape of one sample's features: [F], or [C, H, W] for images. */
  get sampleShape(): number[] {
    return this.features.shape.slice(1);
  }

  /** The task names, in the order the labels were given. */
  get tasks(): string[] {
    return Object.keys(this.labels);
  }

  /** The labels of one task. @throws IndexError naming the known tasks */
  label(task: string): Tensor {
    const y = typeof task === 'string' && Object.hasOwn(this.labels, task) ? this.labels[task] : undefined;
    if (y === undefined) {
      const shown = typeof task === 'string' ? `"${task}"` : formatValue(task);
      throw new IndexError(
        `MultiTaskDataset: no task ${shown} — the tasks are ${this.tasks.map((t) => `"${t}"`).join(', ') || '(none)'}`,
      );
    }
    return y;
  }

  /**
   * Which samples have a label for `task`: bool [N], true where the label is present (int32:
   * ≥ 0; float: no NaN in the row).
   */
  labelMask(task: string): Tensor {
    const y = this.label(task);
    const n = this.length;
    const width = n === 0 ? 0 : y.size / n;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let present = true;
      for (let k = 0; k < width; k++) {
        const v = y.data[i * width + k]!;
        if (y.dtype === 'int32' ? v < 0 : Number.isNaN(v)) present = false;
      }
      out[i] = present ? 1 : 0;
    }
    return tensor(out, { dtype: 'bool', shape: [n] });
  }

  /**
   * The samples at `indices`, in that order (repeats allowed, as for a bootstrap sample); the
   * data is copied.
   * @throws IndexError for an index that is not an integer in [0, N)
   */
  subset(indices: Int32Array | readonly number[]): MultiTaskDataset {
    const n = this.length;
    if (!Array.isArray(indices) && !(indices instanceof Int32Array)) {
      throw new ValueError(
        mustBe('MultiTaskDataset.subset', 'indices', 'an array or Int32Array of row indices', indices),
      );
    }
    const index = new Int32Array(indices.length);
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new IndexError(
          `MultiTaskDataset.subset: indices[${j}]=${formatValue(i)} is not an integer in [0, ${n})`,
        );
      }
      index[j] = i;
    }
    const at = tensor(index, { dtype: 'int32' });
    const labels = taskRecord(ownEntries(this.labels).map(([task, y]) => [task, y.indexSelect(0, at)]));
    return new MultiTaskDataset({ features: this.features.indexSelect(0, at), labels });
  }
}

/** `dataset` itself if it is a MultiTaskDataset (the data utilities take nothing else). */
export function checkDataset(op: string, dataset: unknown): MultiTaskDataset {
  if (!(dataset instanceof MultiTaskDataset)) {
    throw new ValueError(
      mustBe(
        op,
        'dataset',
        'a MultiTaskDataset',
        dataset,
        'wrap the tensors: new MultiTaskDataset({ features, labels })',
      ),
    );
  }
  return dataset;
}
