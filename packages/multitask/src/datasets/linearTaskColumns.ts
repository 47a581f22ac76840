import { Tensor } from '@mtl/tensor';
import type { DatasetColumns } from './DatasetColumns';

/**
 * The columns of a synthetic regression dataset whose task t reads the features through its
 * weight vector: y_t = link(w_t · x) + noise · e_t, labelled `task0`, `task1`, …, with the weight
 * matrix kept for tests. Shared by `relatedTasks` (link: identity) and `mmoeSynthetic` (link:
 * the identity plus sinusoids).
 *
 * @param x samples × features, row-major
 * @param weights tasks × features, row-major
 * @param e samples × tasks standard normal draws
 */
export function linearTaskColumns(
  x: Float64Array,
  weights: Float64Array,
  e: Float64Array,
  { samples, features, tasks, noise }: { samples: number; features: number; tasks: number; noise: number },
  link: (wx: number) => number = (wx) => wx,
): DatasetColumns & { weights: Tensor } {
  const labels: Record<string, Tensor> = {};
  const taskInfo: DatasetColumns['tasks'] = {};
  for (let t = 0; t < tasks; t++) {
    const y = new Float64Array(samples);
    for (let i = 0; i < samples; i++) {
      let wx = 0;
      for (let j = 0; j < features; j++) wx += weights[t * features + j]! * x[i * features + j]!;
      y[i] = link(wx) + noise * e[i * tasks + t]!;
    }
    labels[`task${t}`] = new Tensor(y, [samples], 'float64');
    taskInfo[`task${t}`] = { type: 'regression' };
  }
  return {
    features: new Tensor(x, [samples, features], 'float64'),
    featureNames: Array.from({ length: features }, (_, j) => `x${j}`),
    labels,
    tasks: taskInfo,
    weights: new Tensor(weights, [tasks, features], 'float64'),
  };
}
