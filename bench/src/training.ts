/**
 * Training steps per second: a whole step (forward, backward, Adam update, the loss read back)
 * of a multi-task MLP in @mtl against the same model in TensorFlow.js (CPU and WASM backends),
 * in one process, from the same initial weights.
 *
 * - `seed`: 64 inputs → Dense(128, relu) → 4 task heads of Dense(1), MSE, Adam, batch 256;
 * - `bigger`: 256 → Dense(512, relu) → Dense(512, relu) → 8 heads of Dense(1), batch 512.
 *
 * `mtl` is `HardSharing.mlp` (nn Linear layers) with EW (Σ Lᵢ) and `@mtl/optim`'s Adam; TF.js
 * holds the weights in `tf.variable`s and runs `optimizer.minimize` (variableGrads + Adam, in
 * its own tidy), then reads the loss back with `dataSync()`. Both sides have the same heads
 * (one Dense(1) per task) and losses (Σ of per-task means of squared errors).
 *
 * A memory case runs 10,000 steps of the seed model in @mtl and samples `process.memoryUsage()`
 * every 1,000 steps: nothing is disposed, so a flat heap and RSS mean nothing leaks.
 */
import { EW, HardSharing } from '@mtl/multitask';
import { mseLoss } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, randn, type Tensor } from '@mtl/tensor';
import '@tensorflow/tfjs'; // registers the gradients tfjs-core's CommonJS bundle lacks (minimize needs them)
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, Contender } from './harness';
import { initTfjs } from './matmul';

export interface TrainingModel {
  name: string;
  inputSize: number;
  hidden: number[];
  tasks: number;
  batch: number;
}

export const trainingModels: TrainingModel[] = [
  { name: 'seed 64→128→4×1, batch 256', inputSize: 64, hidden: [128], tasks: 4, batch: 256 },
  { name: 'bigger 256→512→512→8×1, batch 512', inputSize: 256, hidden: [512, 512], tasks: 8, batch: 512 },
];

export const trainingContenders = ['mtl', 'tfjs-cpu', 'tfjs-wasm'] as const;
export const trainingRatios = [
  ['mtl', 'tfjs-cpu'],
  ['mtl', 'tfjs-wasm'],
] as const;

/** Floating-point operations of one step: the forward matmuls, and two matmuls each for backward. */
export function stepFlops(m: TrainingModel): number {
  const sizes = [m.inputSize, ...m.hidden];
  let macs = 0;
  for (let i = 0; i + 1 < sizes.length; i++) macs += sizes[i]! * sizes[i + 1]!;
  macs += sizes.at(-1)! * m.tasks;
  return 3 * 2 * m.batch * macs;
}

interface MtlTrainer {
  step: () => number;
  model: HardSharing;
}

/** The @mtl side: HardSharing MLP, EW, Adam; one call = one step, returning the loss. */
export function mtlTrainer(
  m: TrainingModel,
  x: Tensor,
  targets: Record<string, Tensor>,
  seed: number,
): MtlTrainer {
  const tasks = Object.fromEntries(Object.keys(targets).map((t) => [t, 1]));
  const model = HardSharing.mlp({
    inputSize: m.inputSize,
    hidden: m.hidden,
    tasks,
    generator: new Generator(seed),
  });
  const method = new EW();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const shared = model.sharedParameters();
  const step = (): number => {
    optimizer.zeroGrad();
    const out = model.forward(x);
    const losses: Record<string, ReturnType<typeof mseLoss>> = {};
    let total = 0;
    for (const t in out) {
      const loss = mseLoss(out[t]!, targets[t]!);
      losses[t] = loss;
      total += loss.item();
    }
    method.backward(losses, { shared });
    optimizer.step();
    return total;
  };
  return { step, model };
}

/** The TF.js side on `backend`, with the mtl model's initial weights (Linear's [out, in] transposed). */
function tfjsTrainer(
  backend: string,
  m: TrainingModel,
  model: HardSharing,
  x: Tensor,
  targets: Record<string, Tensor>,
): { step: () => number; dispose: () => void } {
  const params = Object.fromEntries(model.namedParameters());
  const toVar = (name: string, transposed: boolean): tf.Variable => {
    const p = params[name]!.value;
    // A copy: the CPU backend keeps the array it is given, which Adam here updates in place.
    const t = tf.tensor(Float32Array.from(p.data as Float32Array), p.shape as number[]);
    const v = tf.variable(transposed ? tf.transpose(t) : t, true, `${backend}-${name}`);
    t.dispose();
    return v;
  };
  // The encoder is a Sequential of Linear, ReLU, Linear, ReLU…: Linear i sits at index 2i.
  const encoder = m.hidden.map((_, i) => ({
    w: toVar(`encoder.${2 * i}.weight`, true),
    b: toVar(`encoder.${2 * i}.bias`, false),
  }));
  const taskNames = Object.keys(targets);
  const heads = taskNames.map((t) => ({
    w: toVar(`heads.${t}.0.weight`, true),
    b: toVar(`heads.${t}.0.bias`, false),
  }));
  const tx = tf.tensor2d(Float32Array.from(x.data as Float32Array), [m.batch, m.inputSize]);
  const ty = taskNames.map((t) =>
    tf.tensor2d(Float32Array.from(targets[t]!.data as Float32Array), [m.batch, 1]),
  );
  const optimizer = tf.train.adam(1e-3);
  const lossFn = (): tf.Scalar => {
    let h: tf.Tensor = tx;
    for (const { w, b } of encoder) h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D), b));
    let total: tf.Scalar | null = null;
    heads.forEach(({ w, b }, i) => {
      const pred = tf.add(tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D), b);
      const loss = tf.mean(tf.square(tf.sub(pred, ty[i]!))) as tf.Scalar;
      total = total === null ? loss : (tf.add(total, loss) as tf.Scalar);
    });
    return total!;
  };
  const step = (): number => {
    const cost = optimizer.minimize(lossFn, true)!;
    const value = cost.dataSync()[0]!;
    cost.dispose();
    return value;
  };
  const dispose = () => {
    optimizer.dispose();
    for (const { w, b } of [...encoder, ...heads]) {
      w.dispose();
      b.dispose();
    }
    tx.dispose();
    for (const t of ty) t.dispose();
  };
  return { step, dispose };
}

export function dataFor(m: TrainingModel, seed: number): { x: Tensor; targets: Record<string, Tensor> } {
  const g = new Generator(seed);
  const x = randn([m.batch, m.inputSize], { generator: g });
  const targets: Record<string, Tensor> = {};
  for (let t = 0; t < m.tasks; t++) targets[`t${t}`] = randn([m.batch, 1], { generator: g });
  return { x, targets };
}

/** The case for one model: every contender starts from the same weights, so their first losses agree. */
export async function trainingCase(m: TrainingModel, seed = 0): Promise<BenchCase> {
  await initTfjs();
  const { x, targets } = dataFor(m, seed);
  const ours = mtlTrainer(m, x, targets, seed + 1);
  const contenders: Contender[] = [];
  const disposers: (() => void)[] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const theirs = tfjsTrainer(backend, m, ours.model, x, targets);
    disposers.push(theirs.dispose);
    contenders.push({
      name: `tfjs-${backend}`,
      activate: () => tf.setBackend(backend).then(() => undefined),
      run: theirs.step,
    });
  }
  contenders.unshift({ name: 'mtl', run: ours.step });
  return {
    name: m.name,
    flops: stepFlops(m),
    contenders,
    check: (outputs) => {
      const reference = outputs.get('tfjs-cpu') as number;
      for (const [name, value] of outputs) {
        const diff = Math.abs((value as number) - reference) / Math.max(1, Math.abs(reference));
        if (!(diff <= 1e-4))
          throw new Error(
            `training ${m.name}: ${name}'s first loss ${value} differs from tfjs-cpu's ${reference}`,
          );
      }
    },
    teardown: () => {
      for (const d of disposers) d();
    },
  };
}

export interface MemorySample {
  step: number;
  heapUsedMB: number;
  rssMB: number;
}

export interface MemoryResult {
  steps: number;
  samples: MemorySample[];
  /** Least-squares slopes over the samples, MB per 1,000 steps. */
  heapSlopeMBPer1k: number;
  rssSlopeMBPer1k: number;
  msPerStep: number;
}

function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * `steps` training steps of the seed model, sampling heap and RSS every `every` steps, each after
 * a full GC (`pnpm bench` runs node with --expose-gc). Without one a sample also counts garbage
 * not collected yet: the heap is then a sawtooth of ≈ 3 MB per 1,000 steps between major GCs,
 * and a slope over ten samples is noise of ±0.5 MB per 1,000 steps.
 */
export function memoryCase(steps = 10_000, every = 1_000): MemoryResult {
  const m = trainingModels[0]!;
  const { x, targets } = dataFor(m, 7);
  const { step } = mtlTrainer(m, x, targets, 8);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined)
    console.warn('memory: no global gc() (run node with --expose-gc): samples include uncollected garbage');
  const samples: MemorySample[] = [];
  const sample = (i: number) => {
    gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    samples.push({ step: i, heapUsedMB: heapUsed / 2 ** 20, rssMB: rss / 2 ** 20 });
  };
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    step();
    if (i % every === 0) sample(i);
  }
  const msPerStep = (performance.now() - t0) / steps;
  const xs = samples.map((s) => s.step / 1000);
  return {
    steps,
    samples,
    heapSlopeMBPer1k: slope(
      xs,
      samples.map((s) => s.heapUsedMB),
    ),
    rssSlopeMBPer1k: slope(
      xs,
      samples.map((s) => s.rssMB),
    ),
    msPerStep,
  };
}
