import { checkInteger, checkNumber, Generator, matmul, mustBe, Tensor, ValueError } from '@mtl/tensor';
import { checkOptions, checkSeed, MAX_GENERATED_VALUES } from '../data/check';
import type { DatasetColumns } from './DatasetColumns';
import { checkSize, checkWork, MAX_TASKS, MAX_WIDTH } from './limits';

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
 * Size limits (so a mistyped size is an error, not minutes of work or an out-of-memory crash):
 * tasks ≤ 1024, inputDim and outputDim ≤ 65,536; samples × inputDim, samples × outputDim and
 * tasks × outputDim × inputDim each at most 2²⁶ = 67,108,864 values; and
 * tasks × samples × inputDim × outputDim at most 2³⁰ multiply-adds.
 *
 * @throws ValueError naming `gradNormToy` and the option for options that are not an object, an
 *   unknown option, sizes that are not integers in range or over the limits above, tasks ≠ 2
 *   without sigmas, a σ list whose length is not T, a non-finite σ, or a seed that is not a safe
 *   integer.
 */
export function gradNormToy(options: GradNormToyOptions = {}): GradNormToyDataset {
  const op = 'gradNormToy';
  const o = checkOptions(op, 'options', options, [
    'tasks',
    'sigmas',
    'inputDim',
    'outputDim',
    'samples',
    'seed',
  ]);
  if (o.sigmas !== undefined && !Array.isArray(o.sigmas)) {
    throw new ValueError(mustBe(op, 'sigmas', 'an array of finite numbers, one per task', o.sigmas));
  }
  const given = o.sigmas as readonly unknown[] | undefined;
  const tasks = checkInteger(op, 'tasks', o.tasks ?? given?.length ?? 2, { min: 1, max: MAX_TASKS });
  const inputDim = checkInteger(op, 'inputDim', o.inputDim ?? 250, { min: 1, max: MAX_WIDTH });
  const outputDim = checkInteger(op, 'outputDim', o.outputDim ?? 100, { min: 1, max: MAX_WIDTH });
  const samples = checkInteger(op, 'samples', o.samples ?? 1000, { min: 1, max: MAX_GENERATED_VALUES });
  const seed = checkSeed(op, o.seed ?? 0);
  if (given === undefined && tasks !== 2) {
    throw new ValueError(
      `gradNormToy: tasks=${tasks} needs its own sigmas (the default [1, 100] is for 2 tasks) — ` +
        `pass sigmas: [σ_0, …, σ_${tasks - 1}], one scale per task`,
    );
  }
  const sigmas = (given ?? [1, 100]).map((s, i) => checkNumber(op, `sigmas[${i}]`, s));
  if (sigmas.length !== tasks) {
    throw new ValueError(
      `gradNormToy: need one sigma per task — got ${sigmas.length} sigmas for tasks=${tasks}`,
    );
  }
  checkSize(op, [
    ['samples × inputDim', samples * inputDim, 'lower samples or inputDim'],
    ['tasks × outputDim × inputDim', tasks * outputDim * inputDim, 'lower tasks, outputDim or inputDim'],
    ['samples × outputDim', samples * outputDim, 'lower samples or outputDim'],
  ]);
  checkWork(op, [
    [
      'tasks × samples × inputDim × outputDim',
      tasks * samples * inputDim * outputDim,
      'lower samples, inputDim, outputDim or tasks',
    ],
  ]);

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
