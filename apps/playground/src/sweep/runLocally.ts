/**
 * Runs a sweep's missing runs on this machine: in a pool of worker processes (tinypool), one per
 * core by default, each result stored (atomically) as soon as it arrives. Aborting (Ctrl-C) stops
 * the runs in flight and loses nothing finished; running again trains only what is missing.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { MtlError } from '@mtl/tensor';
import { Tinypool } from 'tinypool';
import type { RunRequest } from './expandSweep';
import { kernelThreadsEntry } from './poolKernelThreads';
import type { ResultStore } from './resultStore';
import { type RunData, type RunResult, trainRun } from './trainRun';
import { workerEntry } from './workerBundle';

export interface RunLocallyOptions {
  /** Worker processes (default: one per core); 1 trains in this thread. */
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
          throw asError(e);
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
 * A pool of `processes` worker processes that train runs (`pool.run({ request, data })`), one at
 * a time each, with one kernel thread apiece when they take every core.
 *
 * Processes rather than threads, so that each runs V8 with `--single-threaded`: a training run
 * alone keeps 1.2–1.3 cores busy (V8's garbage-collector and compiler threads beside it), so
 * with a run on every core those threads compete with the runs. 32 runs of 120 epochs on two
 * cores: 8.4–9.2 s in processes with the flag, 9.4–9.9 s without it, 10.3–13.0 s in threads
 * (V8 flags are per process, and setting them after start-up is unsafe).
 */
export async function startPool(processes: number): Promise<Tinypool> {
  return new Tinypool({
    // The workers' code prebuilt as one module (see workerBundle.ts); the packages' sources
    // resolve through `@mtl/source` in the fallback entry.
    filename: await workerEntry(),
    runtime: 'child_process',
    minThreads: processes,
    maxThreads: processes,
    execArgv: ['--single-threaded', '--conditions=@mtl/source'],
    env: { ...definedEntries(process.env), ...kernelThreadsEntry(processes) },
    // Structured clone, as between threads (results and data are plain objects and strings).
    serialization: 'advanced',
  });
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * A pool process's failure arrives as a plain object (tinypool serialises the error as
 * `{ name, message, stack }`): an Error again, so the CLI reports it as it reports any other.
 * Exported for its test.
 */
export function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  const message = (e as { message?: unknown } | null)?.message;
  return new MtlError(`a pool process failed: ${typeof message === 'string' ? message : String(e)}`);
}
