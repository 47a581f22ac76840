/**
 * Sweeps across machines through a Redis job queue (BullMQ). `sweep --queue URL` adds each
 * missing run as a job whose id is the run's key (adding it again is a no-op, so jobs are
 * idempotent) and collects the results as workers finish them; `worker --queue URL` on any number
 * of machines takes jobs and trains them on a local pool of worker processes. A worker killed
 * mid-run stops renewing its job's lock, and BullMQ's stalled-job check gives the job to another
 * worker. What travels through Redis: each run's config (and a data file's text) and its result
 * — never code.
 */
import { createHash } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { RunRequest } from './expandSweep';
import type { ResultStore } from './resultStore';
import { startPool } from './runLocally';
import { failedResult, type RunData, type RunResult } from './trainRun';

/** The BullMQ queue every sweep and worker uses. */
export const QUEUE_NAME = 'mtl-sweep';
/**
 * How long a job's lock lasts without renewal (ms): a killed worker's job goes back to the queue
 * within about this long plus `STALLED_INTERVAL`. The worker's main thread renews it (training runs
 * in the pool's processes), so a long run keeps its lock.
 */
const LOCK_DURATION = 10_000;
const STALLED_INTERVAL = 5_000;
/** Tries per job when workers die while running it (a run that fails is a result, not a retry). */
const ATTEMPTS = 3;
/** A data file sent through Redis is at most this many bytes. */
const MAX_FILE_BYTES = 64 << 20;

/**
 * What a job carries: the run, the image folders, and the key under which a data file's text
 * was stored once in Redis for all of the sweep's jobs (`dataKeyPrefix` + its SHA-256).
 */
interface JobData {
  request: RunRequest;
  data: Omit<RunData, 'fileText'> & { fileKey?: string };
}

const DATA_KEY_PREFIX = `${QUEUE_NAME}:data:`;

/** A problem reaching or using the queue, told in one line with the fix. */
export class QueueError extends Error {
  override name = 'QueueError';
}

/**
 * A Redis client for `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS), checked
 * first so a wrong URL is a clear message. `options` adds to the connection's own.
 */
export function connect(url: string, options: RedisOptions = {}): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(
      `--queue: expected a Redis URL like redis://localhost:6379, got ${JSON.stringify(url)}`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new QueueError(
      `--queue: expected a redis:// or rediss:// URL, got ${JSON.stringify(safeUrl(url))}`,
    );
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new QueueError(
      `--queue: the database in ${JSON.stringify(safeUrl(url))} must be a number (redis://host:6379/0)`,
    );
  // BullMQ's blocking commands need maxRetriesPerRequest null; a lost connection then waits, not throws.
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Connects once, without retrying, so an unreachable server is a clear error in seconds rather
 * than a worker that waits forever.
 */
export async function checkRedis(url: string): Promise<void> {
  const client = connect(url, {
    connectTimeout: 3000,
    retryStrategy: () => null,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, …) says more than the command's "Connection is closed".
  let cause: Error | undefined;
  client.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const why = (cause ?? e) instanceof Error ? (cause ?? (e as Error)).message : String(e);
    throw new QueueError(
      `cannot reach Redis at ${safeUrl(url)} — ${why} (is redis-server running, and the URL right? a password goes in the URL: redis://:password@host:6379)`,
    );
  } finally {
    client.disconnect();
  }
}

export interface EnqueueOptions {
  url: string;
  data: RunData;
  onResult?: (result: RunResult, done: number, total: number) => void;
  /** Stops waiting (the jobs stay queued for the workers; running the sweep again collects them). */
  signal?: AbortSignal;
  /** Milliseconds between checks of the jobs' states. */
  poll?: number;
}

/**
 * The results of every run: stored ones read back, the others added to the queue (those a
 * previous call added are not added twice) and collected as workers finish them, each stored as
 * it arrives.
 */
export async function enqueueAndWait(
  requests: readonly RunRequest[],
  store: ResultStore,
  { url, data, onResult, signal, poll = 500 }: EnqueueOptions,
): Promise<{ results: (RunResult | null)[]; trained: number; reused: number }> {
  if (data.fileText !== undefined && Buffer.byteLength(data.fileText) > MAX_FILE_BYTES)
    throw new QueueError(
      `--queue: the data file has more than ${MAX_FILE_BYTES} bytes, more than a sweep sends through Redis — sweep it on one machine (without --queue)`,
    );
  await checkRedis(url);
  const results = requests.map((r) => store.finished(r.key));
  const reused = results.filter((r) => r !== null).length;
  let done = reused;
  const connection = connect(url);
  const queue = new Queue<JobData, RunResult>(QUEUE_NAME, { connection });
  const { fileText, ...rest } = data;
  const jobData: JobData['data'] = rest;
  try {
    if (fileText !== undefined) {
      // Stored once, not with every job; workers fetch it by its hash.
      jobData.fileKey = createHash('sha256').update(fileText).digest('hex');
      await connection.set(`${DATA_KEY_PREFIX}${jobData.fileKey}`, fileText);
    }
    const pending = new Map<string, number>();
    for (const [i, request] of requests.entries()) {
      if (results[i] !== null) continue;
      pending.set(request.key, i);
      const existing = await Job.fromId<JobData, RunResult>(queue, request.key);
      const state = existing === undefined ? 'missing' : await existing.getState();
      // A job left failed by an earlier sweep (its workers died too often) or holding a failed run is tried again.
      if (state === 'failed') await existing!.retry();
      else if (state === 'completed' && existing!.returnvalue?.error !== undefined) {
        await existing!.remove();
        await add(queue, request, jobData);
      } else if (state === 'missing') await add(queue, request, jobData);
    }
    while (pending.size > 0 && !signal?.aborted) {
      for (const [key, i] of [...pending]) {
        const job = await Job.fromId<JobData, RunResult>(queue, key);
        const state = job === undefined ? 'missing' : await job.getState();
        let result: RunResult | null = null;
        if (state === 'completed') result = job!.returnvalue;
        else if (state === 'failed')
          result = failedResult(
            requests[i]!,
            `QueueError: the job failed ${ATTEMPTS} times in the queue (its workers died while running it) — ${job!.failedReason}`,
          );
        else if (state === 'missing') await add(queue, requests[i]!, jobData);
        if (result === null) continue;
        pending.delete(key);
        await store.write(result);
        results[i] = result;
        done++;
        onResult?.(result, done, requests.length);
      }
      if (pending.size > 0) await sleep(poll, signal);
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return { results, trained: done - reused, reused };
}

function add(queue: Queue<JobData, RunResult>, request: RunRequest, data: JobData['data']) {
  return queue.add(
    'run',
    { request, data },
    {
      jobId: request.key,
      attempts: ATTEMPTS,
      removeOnComplete: false,
      removeOnFail: false,
    },
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export interface WorkerOptions {
  url: string;
  workers: number;
  /** Closes the worker: the jobs it is running finish first (a second abort is the caller's to handle). */
  signal?: AbortSignal;
  note: (line: string) => void;
}

/** Takes jobs from the queue until `signal` aborts, training them on a pool of `workers` processes. */
export async function runQueueWorker({ url, workers, signal, note }: WorkerOptions): Promise<number> {
  await checkRedis(url);
  const pool = await startPool(workers);
  const connection = connect(url);
  let finished = 0;
  const worker = new Worker<JobData, RunResult>(
    QUEUE_NAME,
    async (job) => {
      note(`running ${describe(job.data.request)} (job ${job.id})`);
      const { fileKey, ...data } = job.data.data;
      const fileText = fileKey === undefined ? undefined : await dataFile(connection, fileKey);
      const result = (await pool.run({
        request: job.data.request,
        data: fileText === undefined ? data : { ...data, fileText },
      })) as RunResult;
      finished++;
      note(
        `finished ${describe(job.data.request)}: ${result.error === undefined ? `${result.seconds.toFixed(1)} s` : `failed — ${result.error}`}`,
      );
      return result;
    },
    {
      connection,
      concurrency: workers,
      lockDuration: LOCK_DURATION,
      stalledInterval: STALLED_INTERVAL,
      maxStalledCount: ATTEMPTS - 1,
    },
  );
  // A lost connection is told once (ioredis retries it for ever), and again when it is back.
  let lost: string | null = null;
  worker.on('error', (e) => {
    if (lost !== null) return;
    lost = e.message;
    note(`lost Redis at ${safeUrl(url)} — ${e.message}; retrying (running jobs go on)`);
  });
  connection.on('ready', () => {
    if (lost === null) return;
    lost = null;
    note(`reconnected to Redis at ${safeUrl(url)}`);
  });
  note(
    `worker: taking jobs from ${safeUrl(url)} (queue ${QUEUE_NAME}) on ${workers} process${workers > 1 ? 'es' : ''}; Ctrl-C stops after the running jobs`,
  );
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await worker.close();
  await pool.destroy();
  connection.disconnect();
  return finished;
}

/** The data files this worker fetched, by hash (a sweep's jobs share one). */
const dataFiles = new Map<string, string>();

async function dataFile(connection: Redis, key: string): Promise<string> {
  let text = dataFiles.get(key);
  if (text === undefined) {
    const stored = await connection.get(`${DATA_KEY_PREFIX}${key}`);
    if (stored === null)
      throw new QueueError(
        `the sweep's data file (${key.slice(0, 12)}…) is not in Redis any more — run the sweep again`,
      );
    text = stored;
    dataFiles.clear();
    dataFiles.set(key, text);
  }
  return text;
}

function describe(request: RunRequest): string {
  const setting = Object.entries(request.setting)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${request.name}${setting === '' ? '' : ` ${setting}`} seed ${request.seed}`;
}
