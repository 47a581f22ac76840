/**
 * Runs a sweep's missing runs on this machine: in a pool of worker threads (piscina), one per
 * core by default, each result stored (atomically) as soon as it arrives. Aborting (Ctrl-C) stops
 * the runs in flight and loses nothing finished; running again trains only what is missing.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunRequest } from './expandSweep';
import type { ResultStore } from './resultStore';
import { type RunData, type RunResult, trainRun } from './trainRun';
import { workerEntry } from './workerBundle';

export interface RunLocallyOptions {
  /** Worker threads (default: one per core); 1 trains in this thread. */
  workers?: number;
  data?: RunData;
  /** Called with each finished (or failed) run and the counts so far. */
  onResult?: (result: RunResult, done: number, total: number) => void;
  /** Stops the sweep: the runs in flight are dropped, the finished ones are already stored. */
  signal?: AbortSignal;
}

/** The results of every run, in the requests' order: finished ones read back, the others trained. */
export async function runLocally(
  requests: readonly RunRequest[],
  store: Pick<ResultStore, 'finished' | 'write'>,
  { workers = availableParallelism(), data = {}, onResult, signal }: RunLocallyOptions = {},
): Promise<{ results: (RunResult | null)[]; trained: number; reused: number }> {
  const results = requests.map((r) => store.finished(r.key));
  const missing = requests.map((r, i) => [r, i] as const).filter(([, i]) => results[i] === null);
  const reused = requests.length - missing.length;
  let done = reused;
  const finish = async (result: RunResult, i: number) => {
    await store.write(result);
    results[i] = result;
    done++;
    onResult?.(result, done, requests.length);
  };
  if (workers <= 1 || missing.length <= 1) {
    for (const [request, i] of missing) {
      if (signal?.aborted) break;
      await finish(await trainRun(request, data), i);
    }
    return { results, trained: done - reused, reused };
  }
  const pool = await startPool(Math.min(workers, missing.length));
  // Each queued run listens to the signal until it is done.
  if (signal !== undefined) setMaxListeners(missing.length + 10, signal);
  try {
    await Promise.all(
      missing.map(async ([request, i]) => {
        let result: RunResult;
        try {
          result = (await pool.run({ request, data }, { signal })) as RunResult;
        } catch (e) {
          if (signal?.aborted) return;
          throw e;
        }
        await finish(result, i);
      }),
    );
  } finally {
    await pool.destroy();
  }
  return { results, trained: done - reused, reused };
}

/**
 * A pool of `threads` worker threads that train runs (`pool.run({ request, data })`), one at a
 * time each, with one kernel thread apiece when they take every core.
 */
export async function startPool(threads: number): Promise<Piscina> {
  return new Piscina({
    // The workers' code prebuilt as one module (see workerBundle.ts).
    filename: await workerEntry(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    workerData: { kernelThreads: threads >= availableParallelism() ? 1 : 'auto' },
  });
}
