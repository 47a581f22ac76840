import { checkInteger, checkNumber, Generator, type Tensor, ValueError } from '@mtl/tensor';
import { checkOptions, checkSeed, MAX_GENERATED_VALUES } from '../data/check';
import type { DatasetColumns } from './DatasetColumns';
import { checkSize, checkWork, MAX_TASKS, MAX_WIDTH } from './limits';
import { linearTaskColumns } from './linearTaskColumns';
import { orthonormalColumns } from './orthonormalColumns';

/** Options of {@link relatedTasks}. */
export interface RelatedTasksOptions {
  /** Number of tasks T. Default 2. */
  tasks?: number;
  /** Number of samples N. Default 1000. */
  samples?: number;
  /** Number of features F; must be ≥ 2·sharedFactors + tasks·taskFactors. Default 20. */
  features?: number;
  /** Number of shared latent factors K_s. Default 4. */
  sharedFactors?: number;
  /** Number of latent factors private to each task K_t. Default 2. */
  taskFactors?: number;
  /**
   * How far the tasks' shared parts are rotated apart, in [0, 1]: 0 = identical, 1 = spread
   * evenly around a circle (for T = 2: exactly opposite). Default 0.
   */
  conflict?: number;
  /** Standard deviation of the Gaussian noise added to every target. Default 0.1. */
  noise?: number;
  /** Seed of the @mtl/tensor `Generator` that draws everything. Default 0. */
  seed?: number;
}

/** A synthetic related-tasks problem; see {@link relatedTasks}. */
export interface RelatedTasksDataset extends DatasetColumns {
  /** The true weight vectors w_t, float64 [T, F]: row t is task t's noiseless optimum. */
  weights: Tensor;
  /** The rotation angle θ_t of each task's shared part, in radians. */
  angles: number[];
}

/**
 * Synthetic linear regression tasks with controllable relatedness: a shared latent part whose
 * direction rotates from task to task (`conflict`), plus a part private to each task.
 *
 * Generative model, with x ~ N(0, I_F) and an orthonormal set of directions in ℝ^F split into
 * blocks S, S′ (F×K_s each) and P_t (F×K_t, one per task), all mutually orthogonal:
 *
 *   θ_t = 2π · conflict · t / T
 *   w_t = (cos θ_t · S + sin θ_t · S′) a + P_t b_t,   a ~ N(0, I_Ks), b_t ~ N(0, I_Kt)
 *   y_t = w_tᵀ x + noise · e_t,   e_t ~ N(0, 1)
 *
 * In latent-factor terms: z = Sᵀx, z′ = S′ᵀx and u_t = P_tᵀx are independent standard normal
 * factors, and y_t = aᵀ(cos θ_t z + sin θ_t z′) + b_tᵀ u_t + noise. The coefficients a are common to
 * all tasks, so ⟨w_t, w_u⟩ = cos(θ_t − θ_u)·‖a‖² exactly: at conflict 0 the tasks share their
 * shared part, at 0.5 with T = 2 it is orthogonal, and at 1 the shared parts sum to zero (T = 2:
 * w₀ and w₁ are anti-correlated, their shared parts opposite), so gradients conflict. More shared
 * factors relative to task factors makes the shared part (and the conflict) dominate.
 *
 * Everything comes from one `Generator(seed)` in this order: the F×(2K_s + T·K_t) Gaussian matrix
 * orthonormalised column by column (Gram–Schmidt) into [S, S′, P_0, …], then a, then b_0 … b_{T−1},
 * then x (row-major), then the noise (sample-major), so for a fixed seed only `conflict` and
 * `noise` change the targets and never the features.
 *
 * Returns features float64 [N, F] named `x0` …, and regression tasks `task0` … `task{T−1}` with
 * labels float64 [N] (no missing labels), plus the true weights and angles.
 *
 * Size limits (so a mistyped size is an error, not minutes of work or an out-of-memory crash):
 * tasks ≤ 1024, features and factor counts ≤ 65,536; samples × features, samples × tasks and
 * the factor basis each at most 2²⁶ = 67,108,864 values; tasks × samples × features and
 * features × (2K_s + T·K_t)² each at most 2³⁰ multiply-adds.
 *
 * @throws ValueError naming `relatedTasks` and the option for options that are not an object,
 *   an unknown option, sizes that are not integers in range or over the limits above, conflict
 *   outside [0, 1], a negative or non-finite noise, a seed that is not a safe integer, or too
 *   few features for orthonormal factor directions.
 */
export function relatedTasks(options: RelatedTasksOptions = {}): RelatedTasksDataset {
  const op = 'relatedTasks';
  const o = checkOptions(op, 'options', options, [
    'tasks',
    'samples',
    'features',
    'sharedFactors',
    'taskFactors',
    'conflict',
    'noise',
    'seed',
  ]);
  const tasks = checkInteger(op, 'tasks', o.tasks ?? 2, { min: 1, max: MAX_TASKS });
  const samples = checkInteger(op, 'samples', o.samples ?? 1000, { min: 1, max: MAX_GENERATED_VALUES });
  const features = checkInteger(op, 'features', o.features ?? 20, { min: 1, max: MAX_WIDTH });
  const sharedFactors = checkInteger(op, 'sharedFactors', o.sharedFactors ?? 4, { min: 0, max: MAX_WIDTH });
  const taskFactors = checkInteger(op, 'taskFactors', o.taskFactors ?? 2, { min: 0, max: MAX_WIDTH });
  const conflict = checkNumber(op, 'conflict', o.conflict ?? 0, { min: 0, max: 1 });
  const noise = checkNumber(op, 'noise', o.noise ?? 0.1, { min: 0, fix: 'a standard deviation' });
  const seed = checkSeed(op, o.seed ?? 0);
  const directions = 2 * sharedFactors + tasks * taskFactors;
  if (features < directions) {
    throw new ValueError(
      `relatedTasks: need features >= 2·sharedFactors + tasks·taskFactors = ${directions} so the factor ` +
        `directions can be orthonormal — got features=${features} (raise features or lower the factor counts)`,
    );
  }
  checkSize(op, [
    ['samples × features', samples * features, 'lower samples or features'],
    ['samples × tasks', samples * tasks, 'lower samples or tasks'],
    [
      'features × (2·sharedFactors + tasks·taskFactors)',
      features * directions,
      'lower features or the factor counts',
    ],
  ]);
  checkWork(op, [
    ['tasks × samples × features', tasks * samples * features, 'lower samples, features or tasks'],
    ['features × directions²', features * directions * directions, 'lower the factor counts'],
  ]);

  const generator = new Generator(seed);
  const basis = orthonormalColumns(generator.fillNormal(new Float64Array(features * directions)), features);
  const a = generator.fillNormal(new Float64Array(sharedFactors));
  const b = generator.fillNormal(new Float64Array(tasks * taskFactors));
  const x = generator.fillNormal(new Float64Array(samples * features));
  const e = generator.fillNormal(new Float64Array(samples * tasks));

  const angles = Array.from({ length: tasks }, (_, t) => (2 * Math.PI * conflict * t) / tasks);
  const weights = new Float64Array(tasks * features);
  for (let t = 0; t < tasks; t++) {
    const w = weights.subarray(t * features, (t + 1) * features);
    const cos = Math.cos(angles[t]!);
    const sin = Math.sin(angles[t]!);
    for (let k = 0; k < sharedFactors; k++) {
      addColumn(w, basis[k]!, cos * a[k]!);
      addColumn(w, basis[sharedFactors + k]!, sin * a[k]!);
    }
    for (let k = 0; k < taskFactors; k++) {
      addColumn(w, basis[2 * sharedFactors + t * taskFactors + k]!, b[t * taskFactors + k]!);
    }
  }

  return { ...linearTaskColumns(x, weights, e, { samples, features, tasks, noise }), angles };
}

function addColumn(w: Float64Array, column: Float64Array, scale: number): void {
  for (let j = 0; j < w.length; j++) w[j]! += scale * column[j]!;
}
