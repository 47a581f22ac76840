/**
 * A pool worker (piscina): trains the runs it is given, one at a time, with one kernel thread when
 * the pool has a worker per core (so the pool does not oversubscribe them).
 */
import { workerData } from 'node:worker_threads';
import { setMatmulThreads } from '@mtl/tensor';
import type { RunRequest } from './expandSweep';
import { type RunData, type RunResult, trainRun } from './trainRun';

setMatmulThreads((workerData as { kernelThreads: 1 | 2 | 'auto' }).kernelThreads);

export default function run({ request, data }: { request: RunRequest; data: RunData }): Promise<RunResult> {
  return trainRun(request, data);
}
