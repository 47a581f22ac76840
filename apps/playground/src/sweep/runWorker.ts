/**
 * A pool process (runLocally.ts's `startPool`): trains the runs it is given, one at a time, with
 * one kernel thread when the pool has a process per core (so the pool does not oversubscribe them).
 */
import { setMatmulThreads } from '@mtl/tensor';
import type { RunRequest } from './expandSweep';
import { kernelThreads } from './poolKernelThreads';
import { type RunData, type RunResult, trainRun } from './trainRun';

setMatmulThreads(kernelThreads(process.env));
// Ctrl-C in a terminal reaches every process of its group: the pool's owner decides what stops
// (a sweep drops the runs in flight, a queue worker finishes them). A process whose owner was
// killed exits once it is idle (its channel to the owner closes); one in the middle of a run
// finishes it first, as runs do not yield.
if (process.send !== undefined) process.on('SIGINT', () => {});

export default function run({ request, data }: { request: RunRequest; data: RunData }): Promise<RunResult> {
  return trainRun(request, data);
}
