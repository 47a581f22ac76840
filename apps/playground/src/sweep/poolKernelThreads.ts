/**
 * The kernel threads of a pool process, passed from the pool's owner (runLocally.ts) to each
 * process (runWorker.ts) in its environment: one when the pool has a process per core, so the
 * pool does not oversubscribe them, else `'auto'`.
 */
import { availableParallelism } from 'node:os';

const VARIABLE = 'MTL_PLAYGROUND_KERNEL_THREADS';

/** The environment entry for a pool of `processes`. */
export function kernelThreadsEntry(processes: number): Record<string, string> {
  return { [VARIABLE]: processes >= availableParallelism() ? '1' : 'auto' };
}

/** What a pool process passes to `setMatmulThreads`. */
export function kernelThreads(env: NodeJS.ProcessEnv): 1 | 'auto' {
  return env[VARIABLE] === '1' ? 1 : 'auto';
}
