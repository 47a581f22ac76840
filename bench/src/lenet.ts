/**
 * A MultiLeNet training step (Sener & Koltun's MultiMNIST model): whole steps of @mtl against the
 * same network in TensorFlow.js, from the same initial weights and batch, in one process.
 *
 * - `mtl`: `multiLeNet()` from @mtl/multitask (a shared LeNet encoder, Conv2d(1, 10, 5) →
 *   MaxPool2d(2) → ReLU → Conv2d(10, 20, 5) → MaxPool2d(2) → ReLU → Flatten → Linear(320, 50) →
 *   ReLU, and per task Linear(50, 50) → ReLU → Linear(50, 10)), `crossEntropy` per task, EW
 *   (Σ Lᵢ, backward through the shared parameters), Adam lr 1e-3; a step = zeroGrad, forward,
 *   losses (read back with `item()`), backward, step.
 * - `tfjs-cpu`: the same network in tf ops (NHWC `conv2d`, `maxPool`, `relu`, `matMul`), weights
 *   in `tf.variable`s — conv weights transposed to HWIO, linear weights to [in, out], and the
 *   rows of Linear(320, 50) permuted from our C·H·W flatten order to TF.js's H·W·C — and
 *   `tf.train.adam(1e-3).minimize` of Σ over tasks of `tf.losses.softmaxCrossEntropy` on one-hot
 *   labels, the loss read back with `dataSync()`. A step takes seconds, so it gets 1–2 samples.
 * - `tfjs-wasm`: tried once at setup; TF.js 4.22's WASM backend has no `Conv2DBackpropFilter`
 *   kernel, so it is reported unavailable with TF.js's own message (and timed if it ever works).
 *
 * The first losses of every side must agree to 1e-4 (relative) before timing. Nominal flops per
 * step: 3 × the forward's (backward ≈ two products per forward product), for GFLOP/s in the JSON.
 */
import { EW, multiLeNet } from '@mtl/multitask';
import { crossEntropy } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, randint, randn, setMatmulThreads, type Tensor } from '@mtl/tensor';
import '@tensorflow/tfjs'; // registers the gradients tfjs-core's CommonJS bundle lacks (minimize needs them)
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, Contender } from './harness';
import { initTfjs } from './matmul';

export interface LeNetSpec {
  name: string;
  batch: number;
  /** Classes per task. */
  tasks: Record<string, number>;
}

export const lenetSpecs: LeNetSpec[] = [
  { name: 'MultiLeNet 2×10 classes, batch 256', batch: 256, tasks: { left: 10, right: 10 } },
];

export const lenetRatios = [
  ['mtl', 'tfjs-cpu'],
  ['mtl', 'tfjs-wasm'],
  ['mtl-2t', 'mtl'],
] as const;

/** Nominal flops of one step: 3 × 2 × the forward's multiply-adds. */
export function lenetFlops(s: LeNetSpec): number {
  let macs = 10 * 1 * 25 * 24 * 24 + 20 * 10 * 25 * 8 * 8 + 320 * 50;
  for (const classes of Object.values(s.tasks)) macs += 50 * 50 + 50 * classes;
  return 3 * 2 * s.batch * macs;
}

interface Data {
  x: Tensor;
  labels: Record<string, Tensor>;
}

function dataFor(s: LeNetSpec, seed: number): Data {
  const g = new Generator(seed);
  const x = randn([s.batch, 1, 28, 28], { generator: g });
  const labels: Record<string, Tensor> = {};
  for (const [task, classes] of Object.entries(s.tasks))
    labels[task] = randint(0, classes, [s.batch], { generator: g });
  return { x, labels };
}

function mtlTrainer(s: LeNetSpec, { x, labels }: Data, seed: number) {
  const model = multiLeNet({ tasks: s.tasks, generator: new Generator(seed) });
  const method = new EW();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const shared = model.sharedParameters();
  const step = (): number => {
    optimizer.zeroGrad();
    const out = model.forward(x);
    const losses: Record<string, ReturnType<typeof crossEntropy>> = {};
    let total = 0;
    for (const t in out) {
      const loss = crossEntropy(out[t]!, labels[t]!);
      losses[t] = loss;
      total += loss.item();
    }
    method.backward(losses, { shared });
    optimizer.step();
    return total;
  };
  return { step, model };
}

let trainers = 0;

/** The TF.js side on the active backend, with `model`'s initial weights. */
function tfjsTrainer(s: LeNetSpec, model: ReturnType<typeof multiLeNet>, { x, labels }: Data) {
  const id = `lenet${trainers++}`;
  const params = Object.fromEntries(model.namedParameters());
  const valuesOf = (name: string): Float32Array =>
    Float32Array.from(params[name]!.value.data as Float32Array);
  const shapeOf = (name: string): number[] => [...params[name]!.value.shape];
  const variables: tf.Variable[] = [];
  const variable = (name: string, make: () => tf.Tensor): tf.Variable => {
    const t = tf.tidy(make);
    const v = tf.variable(t, true, `${id}-${name}`);
    t.dispose();
    variables.push(v);
    return v;
  };
  const conv = (name: string) => ({
    w: variable(`${name}.weight`, () =>
      tf.transpose(tf.tensor(valuesOf(`${name}.weight`), shapeOf(`${name}.weight`)), [2, 3, 1, 0]),
    ),
    b: variable(`${name}.bias`, () => tf.tensor1d(valuesOf(`${name}.bias`))),
  });
  const dense = (
    name: string,
    permute?: (values: Float32Array, out: number, inp: number) => Float32Array,
  ) => {
    const [out, inp] = shapeOf(`${name}.weight`) as [number, number];
    return {
      w: variable(`${name}.weight`, () => {
        const values = valuesOf(`${name}.weight`);
        return tf.transpose(tf.tensor2d(permute ? permute(values, out, inp) : values, [out, inp]));
      }),
      b: variable(`${name}.bias`, () => tf.tensor1d(valuesOf(`${name}.bias`))),
    };
  };
  // Flatten of [N, 20, 4, 4]: ours reads C·H·W, TF.js's NHWC reshape H·W·C — permute the columns.
  const chwToHwc = (values: Float32Array, out: number, inp: number): Float32Array => {
    const [c, hw] = [20, 16];
    const permuted = new Float32Array(out * inp);
    for (let o = 0; o < out; o++)
      for (let ch = 0; ch < c; ch++)
        for (let p = 0; p < hw; p++) permuted[o * inp + p * c + ch] = values[o * inp + ch * hw + p]!;
    return permuted;
  };
  const conv1 = conv('encoder.0');
  const conv2 = conv('encoder.3');
  const fc = dense('encoder.7', chwToHwc);
  const taskNames = Object.keys(s.tasks);
  const heads = taskNames.map((t) => [dense(`heads.${t}.0`), dense(`heads.${t}.1`)] as const);
  // NCHW with one channel is NHWC with the same values.
  const tx = tf.tensor4d(Float32Array.from(x.data as Float32Array), [s.batch, 28, 28, 1]);
  const onehot = taskNames.map((t) =>
    tf.tidy(() =>
      tf.oneHot(tf.tensor1d(Int32Array.from(labels[t]!.data as Int32Array), 'int32'), s.tasks[t]!),
    ),
  );
  const optimizer = tf.train.adam(1e-3);
  const lossFn = (): tf.Scalar => {
    let h: tf.Tensor4D = tx;
    for (const { w, b } of [conv1, conv2])
      h = tf.relu(
        tf.maxPool(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'valid'), b) as tf.Tensor4D, 2, 2, 'valid'),
      );
    const z = tf.relu(
      tf.add(tf.matMul(tf.reshape(h, [s.batch, 320]), fc.w as tf.Tensor2D), fc.b),
    ) as tf.Tensor2D;
    let total: tf.Scalar | null = null;
    heads.forEach(([hidden, out], i) => {
      const a = tf.relu(tf.add(tf.matMul(z, hidden.w as tf.Tensor2D), hidden.b)) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(a, out.w as tf.Tensor2D), out.b);
      const loss = tf.losses.softmaxCrossEntropy(onehot[i]!, logits) as tf.Scalar;
      total = total === null ? loss : (tf.add(total, loss) as tf.Scalar);
    });
    return total!;
  };
  const step = (): number => {
    const cost = optimizer.minimize(lossFn, true, variables)!;
    const value = cost.dataSync()[0]!;
    cost.dispose();
    return value;
  };
  const dispose = () => {
    optimizer.dispose();
    for (const v of variables) v.dispose();
    tx.dispose();
    for (const t of onehot) t.dispose();
  };
  return { step, dispose };
}

/**
 * The case: every side starts from `multiLeNet`'s seeded weights and the same batch. `quick`
 * gives tfjs-cpu one sample instead of two.
 */
export async function lenetCase(s: LeNetSpec, quick = false, seed = 0): Promise<BenchCase> {
  await initTfjs();
  const data = dataFor(s, seed);
  const ours = mtlTrainer(s, data, seed + 1);
  // `mtl` on one thread, as PyTorch's row; `mtl-2t` with the default ('auto': a helper thread for
  // the large products where a second core is free).
  const contenders: Contender[] = [
    { name: 'mtl', activate: () => setMatmulThreads(1), run: ours.step },
    // Its own copy of the model, so its first loss is also the initial one.
    { name: 'mtl-2t', activate: () => setMatmulThreads('auto'), run: mtlTrainer(s, data, seed + 1).step },
  ];
  const disposers: (() => void)[] = [];
  const unavailable: Record<string, string> = {};
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    let theirs = tfjsTrainer(s, ours.model, data);
    if (backend === 'wasm') {
      // Expected to fail in backward (no Conv2DBackpropFilter kernel on WASM); if it works, start
      // again from the initial weights so the first losses still compare.
      try {
        theirs.step();
      } catch (e) {
        theirs.dispose();
        unavailable[`tfjs-${backend}`] = e instanceof Error ? e.message : String(e);
        continue;
      }
      theirs.dispose();
      theirs = tfjsTrainer(s, ours.model, data);
    }
    disposers.push(theirs.dispose);
    contenders.push({
      name: `tfjs-${backend}`,
      activate: () => tf.setBackend(backend).then(() => undefined),
      run: theirs.step,
      // Seconds per step on the CPU backend: one or two samples (the first call counts).
      ...(backend === 'cpu' ? { maxSamples: quick ? 1 : 2 } : {}),
    });
  }
  return {
    name: s.name,
    flops: lenetFlops(s),
    contenders,
    unavailable: Object.keys(unavailable).length > 0 ? unavailable : undefined,
    check: (outputs) => {
      const reference = outputs.get('mtl') as number;
      for (const [name, value] of outputs) {
        const diff = Math.abs((value as number) - reference) / Math.max(1, Math.abs(reference));
        if (!(diff <= 1e-4))
          throw new Error(`lenet ${s.name}: ${name}'s first loss ${value} differs from mtl's ${reference}`);
      }
    },
    teardown: () => {
      for (const d of disposers) d();
    },
  };
}
