import { Generator, Tensor, ValueError } from '@mtl/tensor';
import type { DatasetColumns } from './DatasetColumns';

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
 * @throws ValueError naming `relatedTasks` for bad sizes, conflict outside [0, 1], a negative
 *   noise, or too few features for orthonormal factor directions.
 */
export function relatedTasks(options: RelatedTasksOptions = {}): RelatedTasksDataset {
  const {
    tasks = 2,
    samples = 1000,
    features = 20,
    sharedFactors = 4,
    taskFactors = 2,
    conflict = 0,
    noise = 0.1,
    seed = 0,
  } = options;
  for (const [name, value] of Object.entries({ tasks, samples, features })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ValueError(`relatedTasks: ${name} must be a positive integer — got ${value}`);
    }
  }
  for (const [name, value] of Object.entries({ sharedFactors, taskFactors })) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValueError(`relatedTasks: ${name} must be a non-negative integer — got ${value}`);
    }
  }
  if (!(conflict >= 0 && conflict <= 1)) {
    throw new ValueError(`relatedTasks: conflict must be in [0, 1] — got ${conflict}`);
  }
  if (!(noise >= 0 && Number.isFinite(noise))) {
    throw new ValueError(`relatedTasks: noise must be a finite std >= 0 — got ${noise}`);
  }
  const directions = 2 * sharedFactors + tasks * taskFactors;
  if (features < directions) {
    throw new ValueError(
      `relatedTasks: need features >= 2·sharedFactors + tasks·taskFactors = ${directions} so the factor ` +
        `directions can be orthonormal — got features=${features} (raise features or lower the factor counts)`,
    );
  }

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

  const labels: Record<string, Tensor> = {};
  const taskInfo: DatasetColumns['tasks'] = {};
  for (let t = 0; t < tasks; t++) {
    const y = new Float64Array(samples);
    for (let i = 0; i < samples; i++) {
      let s = 0;
      for (let j = 0; j < features; j++) s += weights[t * features + j]! * x[i * features + j]!;
      y[i] = s + noise * e[i * tasks + t]!;
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
    angles,
  };
}

function addColumn(w: Float64Array, column: Float64Array, scale: number): void {
  for (let j = 0; j < w.length; j++) w[j]! += scale * column[j]!;
}

/**
 * Modified Gram–Schmidt on the columns of a row-major [rows, cols] matrix (rows ≥ cols), returning
 * the orthonormal columns. A Gaussian matrix has full column rank with probability 1; the
 * re-orthogonalisation pass keeps the columns orthogonal to rounding level.
 */
function orthonormalColumns(matrix: Float64Array, rows: number): Float64Array[] {
  const cols = matrix.length / rows;
  const out: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const v = Float64Array.from({ length: rows }, (_, r) => matrix[r * cols + c]!);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        let d = 0;
        for (let r = 0; r < rows; r++) d += q[r]! * v[r]!;
        for (let r = 0; r < rows; r++) v[r]! -= d * q[r]!;
      }
    }
    let n = 0;
    for (let r = 0; r < rows; r++) n += v[r]! * v[r]!;
    n = Math.sqrt(n);
    for (let r = 0; r < rows; r++) v[r]! /= n;
    out.push(v);
  }
  return out;
}
