/**
 * A pool worker of a local sweep (piscina): trains the runs it is given, one at a time, with one
 * kernel thread when the pool has a worker per core (so the pool does not oversubscribe them).
 */
import { workerData } from 'node:worker_threads';
import { setMatmulThreads } from '@mtl/tensor';
import type { RunRequest } from './expandSweep';
import { type RunData, type RunResult, trainRun } from './trainRun';

const { data, kernelThreads } = workerData as { data: RunData; kernelThreads: 1 | 2 | 'auto' };
setMatmulThreads(kernelThreads);

export default function run(request: RunRequest): Promise<RunResult> {
  return trainRun(request, data);
}
