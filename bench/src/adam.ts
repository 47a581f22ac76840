/**
 * One Adam step over a 10M-element float32 parameter: @mtl/optim against TensorFlow.js's Adam
 * (CPU and WASM backends), and against the memory-bandwidth bound — Adam reads p, g, m, v and
 * writes p, m, v, 28 bytes per element, at the speed a plain `TypedArray.set` copy reaches here.
 */
import { Adam } from '@mtl/optim';
import { Generator, rand } from '@mtl/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { median } from './harness';
import { initTfjs } from './matmul';

export interface AdamStepResult {
  elements: number;
  /** Median milliseconds per step. */
  ms: Record<'mtl' | 'tfjs-cpu' | 'tfjs-wasm' | 'bound', number>;
  /** Copy bandwidth measured in the same run, GB/s (bytes read + written). */
  copyGBps: number;
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

export async function adamStep(elements = 10_000_000, samples = 7): Promise<AdamStepResult> {
  const g = new Generator(3);
  const value = rand([elements], { generator: g });
  const grad = rand([elements], { generator: g }).sub(0.5);

  const param = { value: value.clone(), grad };
  const ours = new Adam([param], { lr: 1e-3 });
  const mtl = time(samples, () => ours.step());

  // The bound: one copy moves 8 bytes per element (4 read, 4 written); Adam moves 28.
  const src = new Float32Array(elements).fill(1);
  const dst = new Float32Array(elements);
  const copyMs = time(samples, () => dst.set(src));
  const copyGBps = (8 * elements) / (copyMs * 1e6);
  const bound = (28 * elements) / (copyGBps * 1e6);

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
  return { elements, ms: { mtl, 'tfjs-cpu': tfMs.cpu!, 'tfjs-wasm': tfMs.wasm!, bound }, copyGBps };
}
