import { indexSelect, reshape, type Variable } from '@mtl/autograd';
import { bceWithLogits, crossEntropy, mseLoss } from '@mtl/nn';
import { formatShape, ShapeError, type Tensor, tensor, ValueError } from '@mtl/tensor';

/** The kinds of task a multi-task model learns. */
export type TaskType = 'regression' | 'binary' | 'multiclass';

/** A task-loss function on the samples that have labels: (predictions, targets) → scalar. */
export type TaskLossFn = (prediction: Variable | Tensor, target: Tensor) => Variable;

/** The default loss of each task type: MSE, BCE with logits, cross-entropy. */
export function defaultLoss(type: TaskType): TaskLossFn {
  switch (type) {
    case 'regression':
      return (p, t) => mseLoss(p, t);
    case 'binary':
      return (p, t) => bceWithLogits(p, t);
    case 'multiclass':
      return (p, t) => crossEntropy(p, t);
    default:
      throw new ValueError(
        `defaultLoss: unknown task type ${JSON.stringify(type)} (regression, binary or multiclass)`,
      );
  }
}

/**
 * Which samples have a label: regression and binary targets mark a missing label with NaN (in
 * any column), multiclass targets (int32 class indices) with −1.
 */
export function presentRows(type: TaskType, target: Tensor): Int32Array {
  const n = target.shape[0] ?? 0;
  const width = n === 0 ? 0 : target.size / n;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let present = true;
    for (let k = 0; k < width; k++) {
      const v = target.data[i * width + k]!;
      if (type === 'multiclass' ? v < 0 : Number.isNaN(v)) present = false;
    }
    if (present) rows.push(i);
  }
  return Int32Array.from(rows);
}

/**
 * A task's loss over the samples that have its label, or null when none in the batch does (so
 * the task contributes no gradient, never a NaN). Predictions for regression and binary tasks
 * may be [N, 1] against [N] targets: they are matched up.
 */
export function maskedTaskLoss(
  task: string,
  type: TaskType,
  prediction: Variable | Tensor,
  target: Tensor,
  loss: TaskLossFn = defaultLoss(type),
): Variable | null {
  if (prediction.shape[0] !== target.shape[0]) {
    throw new ShapeError(
      `task ${JSON.stringify(task)}: ${prediction.shape[0]} predictions (shape ${formatShape(prediction.shape)}) for ` +
        `${target.shape[0]} targets (shape ${formatShape(target.shape)})`,
    );
  }
  const rows = presentRows(type, target);
  if (rows.length === 0) return null;
  const all = rows.length === target.shape[0];
  // Every label present (the usual batch): no index, no copies.
  const index = all ? null : tensor(rows, { dtype: 'int32' });
  let p = index === null ? prediction : indexSelect(prediction, 0, index);
  const t = index === null ? target : target.indexSelect(0, index);
  if (type !== 'multiclass' && p.rank === 2 && p.shape[1] === 1 && t.rank === 1)
    p = reshape(p, [p.shape[0]!]);
  return loss(p, t);
}
