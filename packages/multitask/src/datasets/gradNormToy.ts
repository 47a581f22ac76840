import { Generator, matmul, Tensor, ValueError } from '@mtl/tensor';
import type { DatasetColumns } from './DatasetColumns';

/** Options of {@link gradNormToy}. */
export interface GradNormToyOptions {
  /** Number of tasks T. Default `sigmas.length` when `sigmas` is given, else 2. */
  tasks?: number;
  /** The task scales σ_i, one per task. Default [1, 100] (only for T = 2). */
  sigmas?: readonly number[];
  /** Input dimension. Default 250. */
  inputDim?: number;
  /** Output dimension of every task. Default 100. */
  outputDim?: number;
  /** Number of samples N. Default 1000. */
  samples?: number;
  /** Seed of the @mtl/tensor `Generator` that draws everything. Default 0. */
  seed?: number;
}

/** The GradNorm toy problem; see {@link gradNormToy}. */
export interface GradNormToyDataset extends DatasetColumns {
  /** The shared matrix B, float64 [outputDim, inputDim]. */
  B: Tensor;
  /** The task perturbations ε_i, float64 [T, outputDim, inputDim]. */
  epsilons: Tensor;
  /** The task scales σ_i. */
  sigmas: number[];
}

/**
 * The regression toy of the GradNorm paper (Chen et al. 2018, §4): T tasks whose targets are
 * alike in form but differ in scale, so an unweighted sum of MSEs is dominated by the large-σ task.
 *
 *   f_i(x) = σ_i · tanh((B + ε_i) x),   x ∈ ℝ^inputDim, f_i(x) ∈ ℝ^outputDim,
 *
 * with B_jk ~ N(0, 10²) and (ε_i)_jk ~ N(0, 3.5²) elementwise, fixed per dataset, and inputs
 * x ~ N(0, I) (the paper does not state the input law; standard normal is our choice). With these
 * scales the pre-activations have std ≈ 10.6·√inputDim, so tanh is mostly saturated at ±1, as in
 * the paper's setting; the targets are noiseless.
 *
 * Everything comes from one `Generator(seed)` in this order: B, ε_1 … ε_T, then the inputs
 * (row-major), so a seed fixes the dataset bit for bit.
 *
 * Returns features float64 [N, inputDim] named `x0` …, and regression tasks `task0` … `task{T−1}`
 * with labels float64 [N, outputDim] (no missing labels), plus B, ε and σ.
 *
 * @throws ValueError naming `gradNormToy` for non-positive sizes, a σ list whose length is not T,
 *   or a non-finite σ.
 */
export function gradNormToy(options: GradNormToyOptions = {}): GradNormToyDataset {
  const { inputDim = 250, outputDim = 100, samples = 1000, seed = 0 } = options;
  const tasks = options.tasks ?? options.sigmas?.length ?? 2;
  for (const [name, value] of Object.entries({ tasks, inputDim, outputDim, samples })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ValueError(`gradNormToy: ${name} must be a positive integer — got ${value}`);
    }
  }
  if (options.sigmas === undefined && tasks !== 2) {
    throw new ValueError(
      `gradNormToy: tasks=${tasks} needs its own sigmas (the default [1, 100] is for 2 tasks)`,
    );
  }
  const sigmas = [...(options.sigmas ?? [1, 100])];
  if (sigmas.length !== tasks) {
    throw new ValueError(
      `gradNormToy: need one sigma per task — got ${sigmas.length} sigmas for tasks=${tasks}`,
    );
  }
  if (!sigmas.every(Number.isFinite)) {
    throw new ValueError(`gradNormToy: sigmas must be finite — got [${sigmas.join(', ')}]`);
  }

  const generator = new Generator(seed);
  const size = outputDim * inputDim;
  const b = generator.fillNormal(new Float64Array(size), 0, 10);
  const epsilons = generator.fillNormal(new Float64Array(tasks * size), 0, 3.5);
  const x = new Tensor(
    generator.fillNormal(new Float64Array(samples * inputDim)),
    [samples, inputDim],
    'float64',
  );

  const labels: Record<string, Tensor> = {};
  const taskInfo: DatasetColumns['tasks'] = {};
  for (let t = 0; t < tasks; t++) {
    const w = new Float64Array(size);
    for (let k = 0; k < size; k++) w[k] = b[k]! + epsilons[t * size + k]!;
    // Rows of x times (B + ε_t)ᵀ: [N, inputDim] @ [inputDim, outputDim].
    const pre = matmul(x, new Tensor(w, [outputDim, inputDim], 'float64').transpose(0, 1));
    labels[`task${t}`] = pre.tanh().mul(sigmas[t]!);
    taskInfo[`task${t}`] = { type: 'regression' };
  }

  return {
    features: x,
    featureNames: Array.from({ length: inputDim }, (_, j) => `x${j}`),
    labels,
    tasks: taskInfo,
    B: new Tensor(b, [outputDim, inputDim], 'float64'),
    epsilons: new Tensor(epsilons, [tasks, outputDim, inputDim], 'float64'),
    sigmas,
  };
}
