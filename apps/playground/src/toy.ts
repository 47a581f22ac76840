/**
 * The CAGrad paper's 2-D toy (two objectives on x ∈ ℝ²): a method optimises x itself from each of
 * the paper's three starting points, and the path it takes shows how it trades the tasks off.
 */
import { grad, Parameter } from '@mtl/autograd';
import { cagradToyLosses, cagradToyStarts } from '@mtl/multitask';
import { tensor } from '@mtl/tensor';
import type { ExperimentConfig } from './config';
import { type MethodName, methodFactory } from './methods';
import { optimizerFactory } from './optimizers';

export interface ToyStep {
  /** Index of the starting point. */
  start: number;
  step: number;
  x: [number, number];
  losses: { l1: number; l2: number };
  weights: Record<string, number>;
  /** Whether charts and reports keep this step (every {@link toyRecordEvery}-th, and the last). */
  recorded: boolean;
  /**
   * The cosine of the two tasks' gradients at x before the step (NaN where one is zero); only on
   * recorded steps, since the two extra gradients cost as much as the step itself.
   */
  cosine?: number;
}

/** About how many steps of a toy run the charts, paths and reports keep. */
export const TOY_POINTS = 2000;

/** Keep every k-th step: k so that a run of `steps` keeps about {@link TOY_POINTS}. */
export function toyRecordEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / TOY_POINTS));
}

/**
 * Runs one method from one start for `config.epochs` steps, yielding every step, so a caller can
 * pause between steps (the web worker) or just collect them (the CLI).
 */
export function* toySteps(
  config: ExperimentConfig,
  method: MethodName,
  optimizerName = config.optimizer.name,
  start = 0,
): Generator<ToyStep> {
  const x = new Parameter(tensor([...cagradToyStarts[start]!], { dtype: 'float64' }));
  const weighting = methodFactory(method, ['l1', 'l2'], config.methodOptions[method]).make();
  // The method's own parameters (UW's log-variances, GradNorm's weights) learn alongside x.
  const optimizer = optimizerFactory({ ...config.optimizer, name: optimizerName })([
    x,
    ...weighting.parameters(),
  ]);
  const every = toyRecordEvery(config.epochs);
  for (let step = 0; step < config.epochs; step++) {
    optimizer.zeroGrad();
    for (const p of weighting.parameters()) p.zeroGrad();
    const { l1, l2 } = cagradToyLosses(x);
    const losses = { l1: l1.item(), l2: l2.item() };
    const recorded = (step + 1) % every === 0 || step === config.epochs - 1;
    let cosine: number | undefined;
    if (recorded) {
      // The two tasks' gradients (2-D), for the conflict they show, whatever the method does with them.
      const [g1] = grad([l1], [x], { retainGraph: true });
      const [g2] = grad([l2], [x], { retainGraph: true });
      cosine = cosineOf(g1!.data as Float64Array, g2!.data as Float64Array);
    }
    // Each step is an "epoch" of the toy (DWA, GradNorm and STCH count epochs).
    const weights = weighting.backward({ l1, l2 }, { shared: [x], epoch: step });
    optimizer.step();
    const [x1, x2] = x.value.data as Float64Array;
    yield { start, step, x: [x1!, x2!], losses, weights, recorded, ...(recorded ? { cosine } : {}) };
  }
}

function cosineOf(a: Float64Array, b: Float64Array): number {
  const dot = a[0]! * b[0]! + a[1]! * b[1]!;
  return dot / (Math.hypot(a[0]!, a[1]!) * Math.hypot(b[0]!, b[1]!));
}

/** A 2×2 cosine matrix from one cosine (for the heatmap and the report). */
export function cosineMatrix(cosine: number): number[][] {
  return [
    [1, cosine],
    [cosine, 1],
  ];
}

/** Mean of L1 and L2 over a grid of the plane, for drawing the landscape: rows run along x₂, columns along x₁. */
export function toyLandscape(
  size: number,
  range: { x1: [number, number]; x2: [number, number] } = { x1: [-10, 10], x2: [-10, 10] },
): { values: Float64Array; range: typeof range; size: number } {
  const points: number[] = [];
  for (let r = 0; r < size; r++) {
    const x2 = range.x2[1] - ((range.x2[1] - range.x2[0]) * r) / (size - 1);
    for (let c = 0; c < size; c++)
      points.push(range.x1[0] + ((range.x1[1] - range.x1[0]) * c) / (size - 1), x2);
  }
  const { l1, l2 } = cagradToyLosses(tensor(points, { dtype: 'float64' }).reshape([size * size, 2]));
  const a = l1.value.data as Float64Array;
  const b = l2.value.data as Float64Array;
  return { values: a.map((v, i) => (v + b[i]!) / 2), range, size };
}
