import { checkInteger, checkNumber, Generator, type Tensor, ValueError } from '@mtl/tensor';
import { checkOptions, checkSeed, MAX_GENERATED_VALUES } from '../data/check';
import type { DatasetColumns } from './DatasetColumns';
import { checkSize, checkWork, MAX_TASKS, MAX_WIDTH } from './limits';
import { linearTaskColumns } from './linearTaskColumns';
import { orthonormalColumns } from './orthonormalColumns';

/** Options of {@link mmoeSynthetic}. */
export interface MmoeSyntheticOptions {
  /** The cosine between any two tasks' weight vectors: in [−1, 1] for 2 tasks, [0, 1] for more. Default 0.5. */
  correlation?: number;
  /** Number of tasks T. Default 2. */
  tasks?: number;
  /** Number of samples N. Default 10,000. */
  samples?: number;
  /** Input dimension d (≥ T + 1). Default 100, as the paper. */
  features?: number;
  /** Scale c of the weight vectors. Default 1. */
  scale?: number;
  /** Number m of sinusoid terms. Default 10. */
  sinusoids?: number;
  /** Standard deviation of the label noise. Default 0.1 (the paper's N(0, 0.01)). */
  noise?: number;
  /** Seed of the `Generator` that draws everything. Default 0. */
  seed?: number;
}

/** A synthetic MMoE benchmark; see {@link mmoeSynthetic}. */
export interface MmoeSyntheticDataset extends DatasetColumns {
  /** The weight vectors w_t, float64 [T, d], any two with cosine `correlation`. */
  weights: Tensor;
}

/**
 * The synthetic regression tasks of Ma et al. 2018 (MMoE, section 4.2), whose relatedness is set
 * by the cosine of their weight vectors — the benchmark where MMoE's advantage over hard sharing
 * grows as the tasks' correlation drops:
 *
 *   w_1 = c·u_1,  w_2 = c·(p·u_1 + √(1 − p²)·u_2)          (2 tasks, as the paper)
 *   w_t = c·(√p·u_0 + √(1 − p)·u_t)                          (T > 2 tasks: every pair at cosine p)
 *   y_t = w_tᵀx + Σ_{i=1..m} sin(α_i·w_tᵀx + β_i) + ε_t,  x ~ N(0, I_d), ε_t ~ N(0, noise²)
 *
 * with orthonormal u's and α_i, β_i ~ N(0, 1) shared by the tasks. Everything comes from one
 * `Generator(seed)`, in this order: the orthonormal directions (Gram–Schmidt of a Gaussian
 * d × (T + 1) matrix), α, β, x (row-major), then the noise (sample-major) — so changing
 * `correlation` changes the labels, never the inputs.
 *
 * Returns features float64 [N, d] named `x0` …, regression tasks `task0` … `task{T−1}` (float64
 * [N]), and the weight vectors.
 *
 * @example
 * const data = new MultiTaskDataset(mmoeSynthetic({ correlation: 0.5, seed: 1 }));
 */
export function mmoeSynthetic(options: MmoeSyntheticOptions = {}): MmoeSyntheticDataset {
  const op = 'mmoeSynthetic';
  const o = checkOptions(op, 'options', options, [
    'correlation',
    'tasks',
    'samples',
    'features',
    'scale',
    'sinusoids',
    'noise',
    'seed',
  ]);
  const tasks = checkInteger(op, 'tasks', o.tasks ?? 2, { min: 1, max: MAX_TASKS });
  const correlation = checkNumber(op, 'correlation', o.correlation ?? 0.5, {
    min: tasks > 2 ? 0 : -1,
    max: 1,
    fix: tasks > 2 ? 'a cosine in [0, 1] for more than 2 tasks' : 'a cosine in [−1, 1]',
  });
  const samples = checkInteger(op, 'samples', o.samples ?? 10_000, { min: 1, max: MAX_GENERATED_VALUES });
  const features = checkInteger(op, 'features', o.features ?? 100, { min: 1, max: MAX_WIDTH });
  const scale = checkNumber(op, 'scale', o.scale ?? 1, { min: 0 });
  const sinusoids = checkInteger(op, 'sinusoids', o.sinusoids ?? 10, { min: 0, max: MAX_WIDTH });
  const noise = checkNumber(op, 'noise', o.noise ?? 0.1, { min: 0, fix: 'a standard deviation' });
  const seed = checkSeed(op, o.seed ?? 0);
  if (features < tasks + 1) {
    throw new ValueError(
      `${op}: need features >= tasks + 1 = ${tasks + 1} orthonormal directions — got features=${features}`,
    );
  }
  checkSize(op, [
    ['samples × features', samples * features, 'lower samples or features'],
    ['samples × tasks', samples * tasks, 'lower samples or tasks'],
  ]);
  checkWork(op, [
    ['tasks × samples × (features + sinusoids)', tasks * samples * (features + sinusoids), 'lower the sizes'],
  ]);

  const generator = new Generator(seed);
  const u = orthonormalColumns(generator.fillNormal(new Float64Array(features * (tasks + 1))), features);
  const alpha = generator.fillNormal(new Float64Array(sinusoids));
  const beta = generator.fillNormal(new Float64Array(sinusoids));
  const x = generator.fillNormal(new Float64Array(samples * features));
  const e = generator.fillNormal(new Float64Array(samples * tasks));

  const weights = new Float64Array(tasks * features);
  for (let t = 0; t < tasks; t++) {
    // Coefficients on u_0 … u_T of w_t / c.
    const shared = tasks === 2 ? (t === 0 ? 1 : correlation) : Math.sqrt(correlation);
    const own =
      tasks === 2 ? (t === 0 ? 0 : Math.sqrt(1 - correlation * correlation)) : Math.sqrt(1 - correlation);
    const ownIndex = tasks === 2 ? 1 : t + 1;
    for (let j = 0; j < features; j++) {
      weights[t * features + j] = scale * (shared * u[0]![j]! + own * u[ownIndex]![j]!);
    }
  }
  // y = w·x + Σₖ sin(αₖ w·x + βₖ) + noise, as Ma et al. 2018 generate it.
  const link = (wx: number) => {
    let s = wx;
    for (let k = 0; k < sinusoids; k++) s += Math.sin(alpha[k]! * wx + beta[k]!);
    return s;
  };
  return linearTaskColumns(x, weights, e, { samples, features, tasks, noise }, link);
}
