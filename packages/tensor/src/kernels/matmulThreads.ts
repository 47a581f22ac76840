/**
 * The 2-thread path of the WebAssembly float32 matmul: one helper Worker, started lazily once per
 * JS realm and reused, shares the product with the calling thread.
 *
 * Both threads run an instance of the kernel module on the one shared kernel memory
 * (`backend/kernelMemory.ts`), so the helper reads the operands where the calling thread put
 * them (staged, or in place for tensors in kernel storage) and writes C there. The calling thread
 * packs all of B once, splits C into row blocks (2 to 8 per product, at least 64 rows; products
 * with fewer rows into column panels of at least 128, each packing its own; a product with fewer
 * than 2 chunks stays on one thread) and publishes the job in a
 * control block; then both threads claim chunks from an atomic counter until none is left (work
 * sharing, so a helper delayed by other load simply takes fewer chunks), and the calling thread
 * waits (`Atomics.wait`) only for a chunk the helper is still computing. Each chunk is a
 * `gemmChunk` call, which gives every element of C the same arithmetic as the single-thread
 * kernel: results are equal bit for bit (both threads run the same kernel variant).
 *
 * Handshake (Int32 words of the control block):
 * - the caller writes the arguments, NEXT = 0, CHUNKS, then JOIN = 0 (open) and bumps GEN
 *   (notify); the helper, woken by GEN, joins with JOIN 0 → 1, claims chunks, sets JOIN = 2
 *   (notify). When the caller has run out of chunks it closes the job with JOIN 0 → 3 (the
 *   helper did not join: it will not) or else waits for JOIN = 2.
 * - Before staging a product's operands the caller may notify GEN without bumping it
 *   (`wakeHelper`): the helper then spins up to `PRE_WAKE_SPIN_MS` for the bump instead of
 *   sleeping again, so its wake-up overlaps the staging.
 * - A helper that is still starting up simply misses the first jobs (the caller does every
 *   chunk), so nothing ever waits for a Worker to boot.
 *
 * Where it does not run (`matmulThreadedF32` returns false and the caller uses one thread): no
 * shared kernel memory, `Atomics.wait` not allowed (a browser's main thread), no way to make a
 * Worker (Node before 20.16; a browser page that is not cross-origin isolated cannot hand shared
 * memory to one). If the Worker fails (an error, an exit, a wait past `WAIT_TIMEOUT_MS`), it is
 * terminated and threads stay off in this realm.
 *
 * Lifetime: the helper is `unref()`ed (it never keeps Node alive; when the process exits, the
 * thread blocked in `Atomics.wait` is terminated with it) and is kept on `globalThis` under a
 * symbol, so re-imported copies of this module (bundles, test runners' module resets) share one
 * helper per realm instead of leaking more.
 */

import { kernelVariant, wasmKernels } from '../backend/backend';
import { kernelMemory, memoryMode, reserve, Staging } from '../backend/kernelMemory';
import {
  compiledKernelModule,
  type KernelExports,
  type KernelVariant,
  kernelInstance,
} from '../backend/kernelModule';
import { formatValue, ValueError } from '../errors';

/** The anything-with-terminate a helper is (a Node `worker_threads.Worker` or a Web `Worker`). */
interface Helper {
  terminate(): unknown;
}

/**
 * float32 products with at least this many multiply-adds (m·k·n) take the 2-thread path (when
 * on); below it, handing half to the helper (a notify, a wake-up, a wait, re-packing per panel)
 * costs about what it saves. Measured on 2 idle cores, 2 threads against 1: 0.86× at 128³
 * (2 Mi), 1.0× at 160³ (4 Mi), 1.2–1.4× at 192³ (7 Mi) and 256³, 1.6–1.8× at 512³ and 1024³.
 *
 * Tried and reverted: the helper polling for 0.5 ms after each job before it sleeps (as OpenMP's
 * threads do), with this threshold at 1.5 Mi. Back-to-back 2 Mi products then ran 1.5× faster
 * and a bare training loop of the seed model ~10%, but in `pnpm bench` (TF.js in the same
 * process, more garbage) the seed model trained 10–25% slower than on one thread: a polling
 * helper takes the core V8's own garbage-collection and compiler threads need.
 */
export const THREAD_MIN_WORK = 6 * 2 ** 20;

/** Threads for large float32 products: 1, 2, or `'auto'` (2 where a second core is available). */
export type MatmulThreads = 1 | 2 | 'auto';

let requestedThreads: MatmulThreads = 'auto';

/**
 * Sets how many threads large float32 products (at least `THREAD_MIN_WORK` multiply-adds) use
 * on the WebAssembly backend, for this JS realm: `'auto'` (the default: 2 where the machine has
 * a second core and, in Node, other processes leave it free), 1 (this thread only) or 2 (this
 * thread plus one helper Worker, started on the first such product and reused). Results are the same bit for bit. Where threads are
 * unavailable (see `matmulThreads.ts`), products run on one thread; `matmulThreads()` tells
 * which. Set 1 when running several trainings side by side, one per core.
 */
export function setMatmulThreads(threads: MatmulThreads): void {
  if (threads !== 1 && threads !== 2 && threads !== 'auto') {
    throw new ValueError(`setMatmulThreads: threads must be 1, 2 or 'auto' — got ${formatValue(threads)}`);
  }
  requestedThreads = threads;
}

/** The threads large float32 products use now: 2 when wanted and the helper runs here, else 1. */
export function matmulThreads(): 1 | 2 {
  if (!threadsWanted() || wasmKernels('matmul') === undefined || !canBlock() || memoryMode() !== 'shared')
    return 1;
  const state = slot().state;
  return state === 'off' || (state !== undefined && Atomics.load(state.ctl, READY) < 0) ? 1 : 2;
}

/** Whether products should try two threads (the setting; for `'auto'`, a second core that is free). */
export function threadsWanted(): boolean {
  return requestedThreads === 2 || (requestedThreads === 'auto' && secondCoreFree());
}

interface NodeOs {
  availableParallelism?: () => number;
  loadavg?: () => number[];
  cpus?: () => { times: { user: number; nice: number; sys: number; irq: number } }[];
}

let coreCount: number | undefined;
let os: NodeOs | undefined;
let cpuUsage: (() => { user: number; system: number }) | undefined;
let freeUntil = 0;
let free = false;
/** The last sample: wall time, busy CPU time of the machine and of this process (ms). */
let last: { at: number; busy: number; own: number } | undefined;

/**
 * Whether a second core is there and, in Node, not busy with other processes: over the last
 * second, the machine's busy CPU time minus this process's own (its helper included) leaves at
 * least 1.5 cores (the first time, the 1-minute load average stands in). Re-checked at most once
 * a second. A helper on a core that other work keeps busy gains nothing and costs 10–25% more
 * CPU per product. In browsers: two or more cores.
 */
function secondCoreFree(): boolean {
  const now = Date.now();
  if (now < freeUntil) return free;
  freeUntil = now + 1000;
  if (coreCount === undefined) {
    const g = globalThis as {
      navigator?: { hardwareConcurrency?: number };
      process?: {
        getBuiltinModule?: (id: string) => unknown;
        cpuUsage?: () => { user: number; system: number };
      };
    };
    os =
      typeof g.process?.getBuiltinModule === 'function'
        ? (g.process.getBuiltinModule('node:os') as NodeOs)
        : undefined;
    cpuUsage = g.process?.cpuUsage?.bind(g.process);
    const count = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency;
    coreCount = typeof count === 'number' && count >= 1 ? count : 1;
  }
  if (coreCount < 2 || os?.cpus === undefined || cpuUsage === undefined) {
    free = coreCount >= 2;
    return free;
  }
  let busy = 0;
  for (const { times } of os.cpus()) busy += times.user + times.nice + times.sys + times.irq;
  const usage = cpuUsage();
  const own = (usage.user + usage.system) / 1000;
  if (last === undefined || now - last.at <= 0) {
    free = (os.loadavg?.()[0] ?? 0) <= coreCount - 0.5;
  } else {
    const others = (busy - last.busy - (own - last.own)) / (now - last.at);
    free = coreCount - others >= 1.5;
  }
  last = { at: now, busy, own };
  return free;
}

/** Chunks per product aimed at (fewer when the split dimension is small). */
const TARGET_CHUNKS = 8;
/**
 * Fewest rows per chunk when B is packed once for both threads: a row chunk then packs only its
 * own rows of A, and each B block is streamed from cache once per chunk (~4% at 64 rows).
 */
const MIN_ROWS = 64;
/**
 * Fewest columns per chunk for products too short to split by rows: each column chunk re-packs
 * all of A (about one cycle per float, against ~4 multiply-adds per cycle in the micro-kernel),
 * so a chunk w wide costs ~4/w extra: 3% at 128.
 */
const MIN_COLUMNS = 128;

/** Where the calling thread packs B for both threads (reused, grown as needed). */
let packedB = new Staging();

/** A wait for the helper longer than this means it is stuck: threads are turned off. */
let waitTimeoutMs = 60_000;

/**
 * How long a helper woken ahead of a job (`wakeHelper`) spins for it before sleeping again:
 * longer than staging and packing the operands of the products that take two threads.
 */
const PRE_WAKE_SPIN_MS = 1;

// Control block (Int32 word indices).
const GEN = 0;
const JOIN = 1;
const NEXT = 2;
const CHUNKS = 3;
const READY = 4;
const STOP = 5;
/** Word index of `gemmChunk`'s argument block (11 words) within the control block. */
const ARGS = 16;
const CONTROL_WORDS = 32;

const OPEN = 0;
const HELPER_WORKING = 1;
const HELPER_DONE = 2;
const CLOSED = 3;

/**
 * The helper's loop, as source text for the Worker (it runs in another realm, so it cannot
 * share code with this module). `d`: { module, memory, ctl, args, scratch } (byte addresses).
 */
const HELPER_RUN = `function run(d) {
  const ctl = new Int32Array(d.memory.buffer, d.ctl, ${CONTROL_WORDS});
  let exports;
  try {
    exports = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  } catch (error) {
    Atomics.store(ctl, ${READY}, -1);
    Atomics.notify(ctl, ${READY});
    throw error;
  }
  Atomics.store(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${GEN}, seen);
    if (Atomics.load(ctl, ${STOP}) !== 0) return;
    if (Atomics.load(ctl, ${GEN}) === seen) {
      // Woken ahead of a job (wakeHelper): its operands are being staged. Stay awake for it.
      const until = performance.now() + ${PRE_WAKE_SPIN_MS};
      while (Atomics.load(ctl, ${GEN}) === seen && performance.now() < until);
      if (Atomics.load(ctl, ${GEN}) === seen) continue;
    }
    seen = Atomics.load(ctl, ${GEN});
    if (Atomics.compareExchange(ctl, ${JOIN}, ${OPEN}, ${HELPER_WORKING}) !== ${OPEN}) continue;
    const chunks = Atomics.load(ctl, ${CHUNKS});
    for (let i = Atomics.add(ctl, ${NEXT}, 1); i < chunks; i = Atomics.add(ctl, ${NEXT}, 1)) {
      exports.gemmChunk(d.args, i, d.scratch);
    }
    Atomics.store(ctl, ${JOIN}, ${HELPER_DONE});
    Atomics.notify(ctl, ${JOIN});
  }
}
`;
const NODE_HELPER = `${HELPER_RUN}run(require('node:worker_threads').workerData);\n`;
const WEB_HELPER = `${HELPER_RUN}onmessage = (event) => { onmessage = null; run(event.data); };\n`;

interface Pool {
  /** The kernel variant the helper runs (the pool is remade if the calling thread's changes). */
  variant: KernelVariant;
  ctl: Int32Array;
  argsPtr: number;
  scratchBytes: number;
  helper: Helper | undefined;
}

/** The per-realm state, on globalThis: a pool, or 'off' (unavailable here, or failed). */
interface Slot {
  state?: Pool | 'off';
}

const SLOT_KEY = Symbol.for('@mtl/tensor matmul threads 2');

function slot(): Slot {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  let s = g[SLOT_KEY];
  if (!s) {
    s = {};
    Object.defineProperty(globalThis, SLOT_KEY, { value: s, configurable: true });
  }
  return s;
}

/** Whether this thread may block in `Atomics.wait` on shared memory (not a browser's main thread). */
function canBlock(): boolean {
  try {
    if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
    return Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0) === 'not-equal';
  } catch {
    return false;
  }
}

interface NodeWorker extends Helper {
  unref(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}
type NodeWorkerConstructor = new (
  code: string,
  options: { eval: boolean; workerData: unknown; stdout?: boolean; stderr?: boolean },
) => NodeWorker;

/** Internal hooks for the tests (not exported from the package). */
export const testHooks: {
  /** Replaces `worker_threads.Worker` (undefined: the real one). */
  nodeWorker?: () => NodeWorkerConstructor | undefined;
  /** The calling thread waits for the helper to join and leaves it every chunk. */
  helperOnly?: boolean;
} = {};

/** `worker_threads.Worker` in Node (20.16+, via `process.getBuiltinModule`), else undefined. */
function nodeWorker(): NodeWorkerConstructor | undefined {
  const proc = (
    globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }
  ).process;
  if (!proc?.versions?.node || typeof proc.getBuiltinModule !== 'function') return undefined;
  const wt = proc.getBuiltinModule('node:worker_threads') as { Worker?: NodeWorkerConstructor } | undefined;
  return wt?.Worker;
}

/** Starts the helper on `data`; undefined if this environment cannot make one. */
function startHelper(data: Record<string, unknown>, onFail: () => void): Helper | undefined {
  const NodeWorkerCtor = testHooks.nodeWorker ? testHooks.nodeWorker() : nodeWorker();
  if (NodeWorkerCtor) {
    const worker = new NodeWorkerCtor(NODE_HELPER, { eval: true, workerData: data });
    worker.unref();
    worker.on('error', onFail);
    worker.on('exit', onFail);
    return worker;
  }
  const g = globalThis as {
    process?: { versions?: { node?: string } };
    Worker?: new (
      url: string,
    ) => Helper & {
      postMessage(data: unknown): void;
      onerror: unknown;
    };
  };
  if (g.process?.versions?.node || typeof g.Worker !== 'function' || typeof Blob !== 'function')
    return undefined;
  const url = URL.createObjectURL(new Blob([WEB_HELPER], { type: 'text/javascript' }));
  try {
    const worker = new g.Worker(url);
    worker.onerror = onFail;
    try {
      // Throws where shared memory cannot be sent (a page without cross-origin isolation).
      worker.postMessage(data);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return worker;
  } finally {
    // The Worker has its script URL; revoking it once the script is fetched is enough, but the
    // fetch is asynchronous: keep the URL for a while.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** Makes the pool (control block, helper scratch, the helper), or 'off' if threads are unavailable here. */
function createPool(variant: KernelVariant): Pool | 'off' {
  if (!canBlock() || memoryMode() !== 'shared') return 'off';
  const module = compiledKernelModule(variant);
  const memory = kernelMemory();
  if (module === null || memory === undefined) return 'off';
  let pool: Pool | undefined;
  try {
    const scratchBytes = kernelInstance(variant)?.scratchBytes();
    if (scratchBytes === undefined) return 'off';
    const ctlPtr = reserve(CONTROL_WORDS * 4);
    const helperScratch = reserve(scratchBytes);
    if (ctlPtr === undefined || helperScratch === undefined) return 'off';
    const ctl = new Int32Array(memory.buffer, ctlPtr, CONTROL_WORDS);
    ctl.fill(0);
    Atomics.store(ctl, JOIN, CLOSED);
    const created: Pool = {
      variant,
      ctl,
      argsPtr: ctlPtr + ARGS * 4,
      scratchBytes,
      helper: undefined,
    };
    pool = created;
    created.helper = startHelper(
      { module, memory, ctl: ctlPtr, args: created.argsPtr, scratch: helperScratch },
      () => {
        if (slot().state === created) shutDown(created);
      },
    );
    if (!created.helper) return 'off';
    return created;
  } catch {
    if (pool?.helper) stop(pool);
    return 'off';
  }
}

function stop(pool: Pool): void {
  Atomics.store(pool.ctl, STOP, 1);
  Atomics.add(pool.ctl, GEN, 1);
  Atomics.notify(pool.ctl, GEN);
  try {
    pool.helper?.terminate();
  } catch {}
  pool.helper = undefined;
  // The helper may still be inside a chunk until terminate lands: its scratch and control block
  // are left reserved (a few hundred KiB, once per realm at most per variant change).
}

/** Stops the helper and turns threads off in this realm for good. */
function shutDown(pool: Pool): void {
  stop(pool);
  slot().state = 'off';
}

function getPool(): Pool | undefined {
  const s = slot();
  const variant = kernelVariant();
  if (variant === undefined) return undefined;
  if (s.state !== undefined && s.state !== 'off' && s.state.variant !== variant) {
    stop(s.state);
    s.state = undefined;
  }
  s.state ??= createPool(variant);
  if (s.state === 'off') return undefined;
  if (Atomics.load(s.state.ctl, READY) < 0) {
    shutDown(s.state);
    return undefined;
  }
  return s.state;
}

/**
 * How an m×n C is shared: row blocks against one B packed by the caller first (nothing packed
 * twice); for products with too few rows, column panels of C and B, each chunk packing all of A.
 */
function split(m: number, n: number): { splitCols: boolean; chunk: number; chunks: number } {
  const splitCols = m < 2 * MIN_ROWS;
  const unit = splitCols ? 8 : 4;
  const dim = splitCols ? n : m;
  const least = splitCols ? MIN_COLUMNS : MIN_ROWS;
  const chunk = Math.max(least, Math.ceil(dim / TARGET_CHUNKS / unit) * unit);
  return { splitCols, chunk, chunks: Math.ceil(dim / chunk) };
}

/**
 * Wakes the helper ahead of a 2-thread product of an m×n C, so that its wake-up (30–70 µs on the
 * VMs measured, more than packing B takes) overlaps the caller's staging and packing of the
 * operands instead of delaying the helper's first chunk: 256² products on two threads went from
 * 1.34–1.47× to 1.51–1.61× one thread's speed (medians of a bare loop, Node 20 and 24). A no-op where the helper does not run yet or the
 * product will not be shared.
 */
export function wakeHelper(m: number, n: number): void {
  const state = slot().state;
  if (state !== undefined && state !== 'off' && split(m, n).chunks >= 2) Atomics.notify(state.ctl, GEN);
}

/**
 * How a 2-thread product ended: `'done'` (C is written); `'declined'` (nothing written: the path
 * is unavailable, see the module comment, or the product does not split; run `gemm` instead);
 * `'stuck'` (the helper timed out and may still write into C and read A and B: leave those
 * blocks to it and compute elsewhere).
 */
export type ThreadedResult = 'done' | 'declined' | 'stuck';

/**
 * `C = A·B` on two threads (this one and the helper), operands and C at byte addresses in
 * kernel memory, with the same arithmetic as `gemm` on one thread. Requires m, k, n ≥ 1.
 */
export function matmulThreadedF32(
  wasm: KernelExports,
  aPtr: number,
  bPtr: number,
  cPtr: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  scratchPtr: number,
): ThreadedResult {
  const { splitCols, chunk, chunks } = split(m, n);
  if (chunks < 2) return 'declined'; // e.g. 100×4096·4096×100: nothing to share without re-packing
  const pool = getPool();
  if (!pool) return 'declined';
  if (wasm.scratchBytes() > pool.scratchBytes) return 'declined';
  let packedPtr = 0;
  if (!splitCols) {
    // What `packB` writes: 4·k·n bytes, n rounded up to the micro-kernel's 8 columns.
    const at = packedB.at(4 * k * Math.ceil(n / 8) * 8);
    if (at === undefined) return 'declined';
    wasm.packB(bPtr, k, n, transB ? 1 : 0, at);
    packedPtr = at;
  }

  const ctl = pool.ctl;
  const args = ARGS;
  ctl[args] = aPtr;
  ctl[args + 1] = bPtr;
  ctl[args + 2] = cPtr;
  ctl[args + 3] = m;
  ctl[args + 4] = k;
  ctl[args + 5] = n;
  ctl[args + 6] = transA ? 1 : 0;
  ctl[args + 7] = transB ? 1 : 0;
  ctl[args + 8] = splitCols ? 1 : 0;
  ctl[args + 9] = chunk;
  ctl[args + 10] = packedPtr;
  Atomics.store(ctl, NEXT, 0);
  Atomics.store(ctl, CHUNKS, chunks);
  Atomics.store(ctl, JOIN, OPEN);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);

  const argsPtr = pool.argsPtr;
  const deadline = Date.now() + waitTimeoutMs;
  if (testHooks.helperOnly) {
    // Leave every chunk to the helper (it has joined when JOIN is no longer OPEN).
    while (Atomics.load(ctl, JOIN) === OPEN && Date.now() < deadline) Atomics.wait(ctl, JOIN, OPEN, 50);
  }
  const leaveAll = testHooks.helperOnly && Atomics.load(ctl, JOIN) !== OPEN;
  for (let i = leaveAll ? chunks : Atomics.add(ctl, NEXT, 1); i < chunks; i = Atomics.add(ctl, NEXT, 1)) {
    wasm.gemmChunk(argsPtr, i, scratchPtr);
  }
  if (Atomics.compareExchange(ctl, JOIN, OPEN, CLOSED) !== OPEN) {
    // The helper joined: wait for it to finish its last chunk.
    while (Atomics.load(ctl, JOIN) === HELPER_WORKING) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(ctl, JOIN, HELPER_WORKING, left) === 'timed-out') {
        if (Atomics.load(ctl, JOIN) !== HELPER_WORKING) break;
        shutDown(pool);
        // The helper may still write into C and read the packed B until its termination lands:
        // leave both blocks to it (never released) and have the caller redo the product in
        // TypeScript, on the JS heap.
        packedB = new Staging();
        return 'stuck';
      }
    }
  }
  return 'done';
}

/** For tests: the helper's READY word (0 starting, 1 ready, -1 failed), or undefined without a pool. */
export function helperState(): number | undefined {
  const state = slot().state;
  return state && state !== 'off' ? Atomics.load(state.ctl, READY) : undefined;
}

/**
 * For tests: the job counter (GEN, bumped once per product handed to the helper), or undefined
 * without a pool. Unchanged across a product means it ran on this thread alone.
 */
export function helperJobs(): number | undefined {
  const state = slot().state;
  return state && state !== 'off' ? Atomics.load(state.ctl, GEN) : undefined;
}

/** For tests: blocks until the helper is ready (true) or `timeoutMs` passes or it failed (false). */
export function waitForHelper(timeoutMs: number): boolean {
  const pool = getPool();
  if (!pool) return false;
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(pool.ctl, READY) === 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(pool.ctl, READY, 0, Math.min(left, 50));
  }
  return Atomics.load(pool.ctl, READY) === 1;
}

/** For tests: stops the helper and forgets the pool, so the next product starts afresh. */
export function resetMatmulThreads(): void {
  const s = slot();
  if (s.state && s.state !== 'off') stop(s.state);
  s.state = undefined;
}

/** For tests: the wait timeout (ms); returns the previous one. */
export function setHelperTimeout(ms: number): number {
  const previous = waitTimeoutMs;
  waitTimeoutMs = ms;
  return previous;
}
