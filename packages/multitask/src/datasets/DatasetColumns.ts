import type { Tensor } from '@mtl/tensor';

/** The kind of a dataset's task, which decides its default loss and metrics. */
export type DatasetTaskType = 'regression' | 'binary' | 'multiclass';

/** What a dataset says about one of its tasks. */
export interface DatasetTask {
  type: DatasetTaskType;
  /**
   * Class names, indexed by label value: for `multiclass` the label k means `classes[k]`; for
   * `binary` label 0 means `classes[0]` and 1 means `classes[1]`. Absent for regression.
   */
  classes?: string[];
}

/**
 * A dataset as plain columns, independent of any loader: what the built-in datasets
 * (`penguins`, `gradNormToy`, `relatedTasks`) return, ready to wrap in a `MultiTaskDataset`.
 *
 * - `features`: float64, shape [N, F], one row per sample, columns named by `featureNames`.
 * - `labels[task]`: one entry per sample, row i matching row i of `features`:
 *   regression float64 [N] (or [N, D] for a vector target); binary float64 [N] holding 0/1;
 *   multiclass int32 [N] holding the class index.
 * - A missing label is NaN for regression and binary tasks and −1 for multiclass tasks.
 */
export interface DatasetColumns {
  features: Tensor;
  featureNames: string[];
  labels: Record<string, Tensor>;
  tasks: Record<string, DatasetTask>;
}
