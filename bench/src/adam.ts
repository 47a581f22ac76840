/**
 * One optimizer step over a 10M-element float32 parameter: @mtl/optim (its WASM SIMD kernels,
 * the default, and its TypeScript updates, `setBackend('js', { kernels: ['optimizerUpdates'] })`)
 * against TensorFlow.js's Adam (CPU and WASM backends), and against the memory-bandwidth bound —
 * Adam reads p, g, m, v and writes p, m, v, 28 bytes per element, at the speed a plain
 * `TypedArray.set` copy reaches here.
 * AdamW, SGD with momentum, RMSprop and Adagrad are timed on both @mtl paths too (the last three
 * move 20 bytes per element: p, g and one state buffer read, p and the buffer written).
 */
import { Adagrad, Adam, AdamW, Momentum, type Optimizer, RMSprop } from '@mtl/optim';
import { copyToKernelStorage, Generator, rand, setBackend, type Tensor } from '@mtl/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { median } from './harness';
import { initTfjs } from './matmul';

/** One @mtl optimizer on both paths, with its own bandwidth bound. */
export interface OptimizerRow {
  name: string;
  /** Bytes per element the update must move (read + written). */
  bytes: number;
  /** Median milliseconds per step: WASM kernels, TypeScript updates, the bandwidth bound. */
  wasm: number;
  js: number;
  bound: number;
}

export interface AdamStepResult {
  elements: number;
  /** Median milliseconds per step (`mtl`: the default WASM path; `mtl-js`: the TypeScript path). */
  ms: Record<'mtl' | 'mtl-js' | 'tfjs-cpu' | 'tfjs-wasm' | 'bound', number>;
  /** Copy bandwidth measured in the same run, GB/s (bytes read + written). */
  copyGBps: number;
  /** Adam, AdamW, Momentum, RMSprop and Adagrad on both @mtl paths. */
  optimizers: OptimizerRow[];
}

function time(samples: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const OPTIMIZERS: {
  name: string;
  bytes: number;
  make: (p: { value: Tensor; grad: Tensor }) => Optimizer<never>;
}[] = [
  { name: 'Adam', bytes: 28, make: (p) => new Adam([p], { lr: 1e-3 }) as never },
  { name: 'AdamW', bytes: 28, make: (p) => new AdamW([p], { lr: 1e-3 }) as never },
  { name: 'Momentum', bytes: 20, make: (p) => new Momentum([p], { lr: 1e-3 }) as never },
  { name: 'RMSprop', bytes: 20, make: (p) => new RMSprop([p], { lr: 1e-3 }) as never },
  { name: 'Adagrad', bytes: 20, make: (p) => new Adagrad([p], { lr: 1e-3 }) as never },
];

/** Median ms per step of `make`'s optimizer on a copy of `value`, on the given backend. */
function timeOptimizer(
  make: (p: { value: Tensor; grad: Tensor }) => Optimizer<never>,
  value: Tensor,
  grad: Tensor,
  backend: 'wasm' | 'js',
  samples: number,
): number {
  setBackend(backend, { kernels: ['optimizerUpdates'] });
  try {
    // Where a Parameter keeps its values (kernel storage), as a model's parameters are.
    const optimizer = make({ value: copyToKernelStorage(value), grad });
    return time(samples, () => optimizer.step());
  } finally {
    setBackend('wasm', { kernels: ['optimizerUpdates'] });
  }
}

export async function adamStep(elements = 10_000_000, samples = 7): Promise<AdamStepResult> {
  const g = new Generator(3);
  const value = rand([elements], { generator: g });
  const grad = rand([elements], { generator: g }).sub(0.5);

  // The bound: one copy moves 8 bytes per element (4 read, 4 written).
  const src = new Float32Array(elements).fill(1);
  const dst = new Float32Array(elements);
  const copyMs = time(samples, () => dst.set(src));
  const copyGBps = (8 * elements) / (copyMs * 1e6);
  const boundOf = (bytes: number) => (bytes * elements) / (copyGBps * 1e6);

  const optimizers = OPTIMIZERS.map(({ name, bytes, make }) => ({
    name,
    bytes,
    wasm: timeOptimizer(make, value, grad, 'wasm', samples),
    js: timeOptimizer(make, value, grad, 'js', samples),
    bound: boundOf(bytes),
  }));
  const adam = optimizers[0]!;

  await initTfjs();
  const tfMs: Record<string, number> = {};
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const variable = tf.variable(tf.tensor1d(value.data as Float32Array), true, `w-${backend}`);
    const gradient = tf.tensor1d(grad.data as Float32Array);
    const optimizer = tf.train.adam(1e-3);
    tfMs[backend] = time(backend === 'cpu' ? 3 : samples, () => {
      optimizer.applyGradients([{ name: variable.name, tensor: gradient }]);
      variable.dataSync();
    });
    optimizer.dispose();
    variable.dispose();
    gradient.dispose();
  }
  return {
    elements,
    ms: {
      mtl: adam.wasm,
      'mtl-js': adam.js,
      'tfjs-cpu': tfMs.cpu!,
      'tfjs-wasm': tfMs.wasm!,
      bound: adam.bound,
    },
    copyGBps,
    optimizers,
  };
}
