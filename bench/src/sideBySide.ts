/**
 * Two trainings side by side, as a sweep on two cores runs them: the seed model (training.ts)
 * trained alone in this thread, then in two worker threads at once, each with one kernel thread.
 * `scaling` = 2 × (steps/s of each side by side) / (steps/s alone): 2 is perfect, 1 is no gain.
 * Fresh memory per step is what held it back (each ran ~15% slower side by side until backward
 * passes reused their gradients' buffers).
 */
import { Worker } from 'node:worker_threads';
import { setMatmulThreads } from '@mtl/tensor';
import { dataFor, mtlTrainer, trainingModels } from './training';

export interface SideBySideResult {
  steps: number;
  alone: number;
  sideBySide: number[];
  scaling: number;
}

/** Steps/s of the seed model over `steps` steps on one kernel thread, after a fifth as many to warm up. */
export function timeSteps(steps: number): number {
  setMatmulThreads(1);
  const m = trainingModels[0]!;
  const { x, targets } = dataFor(m, 11);
  const { step } = mtlTrainer(m, x, targets, 12);
  for (let i = 0; i < steps / 5; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  return (steps * 1000) / (performance.now() - t0);
}

export async function sideBySideCase(steps: number): Promise<SideBySideResult> {
  const alone = timeSteps(steps);
  setMatmulThreads('auto');
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const worker = new Worker(new URL('./sideBySideWorker.mjs', import.meta.url), {
        workerData: { steps },
      });
      worker.once('message', (stepsPerSecond: number) => {
        resolve(stepsPerSecond);
        void worker.terminate();
      });
      worker.once('error', reject);
    });
  const sideBySide = await Promise.all([run(), run()]);
  const each = sideBySide.reduce((a, b) => a + b, 0) / sideBySide.length;
  return { steps, alone, sideBySide, scaling: (2 * each) / alone };
}
