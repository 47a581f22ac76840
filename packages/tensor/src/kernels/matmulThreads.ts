/**
 * The 2-thread path of the WASM SIMD float32 matmul: one helper Worker, started lazily once per
 * JS realm and reused, shares the product with the calling thread.
 *
 * Both threads run their own instance of the `Threads` build of `assembly/matmul.ts` (the same
 * code as the single-thread module, on an imported shared `WebAssembly.Memory` of at most 256
 * MiB). The calling thread copies the operands in, splits C into chunks (column panels of C and
 * B, or row blocks of C and A: 2 to 8 per product, at least 128 wide; a product with fewer
 * than 2 stays on one thread) and publishes the job in a control block on the shared memory; then both threads claim chunks from an atomic counter until none is left
 * (work sharing, so a helper delayed by other load simply takes fewer chunks), and the calling
 * thread waits (`Atomics.wait`) only for a chunk the helper is still computing. Each chunk is a
 * `gemmChunk` call, which gives every element of C the same arithmetic as the single-thread
 * kernel: results are equal bit for bit.
 *
 * Handshake (Int32 words of the control block):
 * - the caller writes the arguments, NEXT = 0, CHUNKS, then JOIN = 0 (open) and bumps GEN
 *   (notify); the helper, woken by GEN, joins with JOIN 0 → 1, claims chunks, sets JOIN = 2
 *   (notify). When the caller has run out of chunks it closes the job with JOIN 0 → 3 (the
 *   helper did not join: it will not) or else waits for JOIN = 2.
 * - A helper that is still starting up simply misses the first jobs (the caller does every
 *   chunk), so nothing ever waits for a Worker to boot.
 *
 * Where it does not run (`matmulThreadedF32` returns false and the caller uses the
 * single-thread kernel): no `SharedArrayBuffer` or shared WebAssembly memory (browsers without
 * cross-origin isolation), `Atomics.wait` not allowed (a browser's main thread), no way to make
 * a Worker, a product larger than the shared memory. If the Worker fails (an error, an exit, a
 * wait past `WAIT_TIMEOUT_MS`), it is terminated and threads stay off in this realm.
 *
 * Lifetime: the helper is `unref()`ed (it never keeps Node alive; when the process exits, the
 * thread blocked in `Atomics.wait` is terminated with it) and is kept on `globalThis` under a
 * symbol, so re-imported copies of this module (bundles, test runners' module resets) share one
 * helper per realm instead of leaking more.
 */
import { compileSimdModule } from '../wasm/compileSimdModule';
import { alignBytes as align, growMemory } from '../wasm/wasmMemory';
import { matmulWasmSourceHash, matmulWasmThreadsBase64 } from './wasm/matmulWasm.generated';

interface ThreadExports {
  heapBase(): number;
  scratchBytes(): number;
  gemmChunk(args: number, index: number, scratch: number): void;
}

/** The anything-with-terminate a helper is (a Node `worker_threads.Worker` or a Web `Worker`). */
interface Helper {
  terminate(): unknown;
}

/** Pages of the shared memory at most; must equal `--maximumMemory` of the `Threads` build. */
const MAX_PAGES = 4096;
const PAGE = 65536;

/**
 * float32 products with at least this many multiply-adds (m·k·n) take the 2-thread path (when
 * on); below it, handing half to the helper (a notify, a wake-up, a wait, re-packing per panel)
 * costs about what it saves. Measured on 2 idle cores, 2 threads against 1: 0.86× at 128³
 * (2 Mi), 1.0× at 160³ (4 Mi), 1.2–1.4× at 192³ (7 Mi) and 256³, 1.6–1.8× at 512³ and 1024³.
 */
export const THREAD_MIN_WORK = 6 * 2 ** 20;

/** Chunks per product aimed at (fewer when the split dimension is small). */
const TARGET_CHUNKS = 8;
/**
 * Fewest columns or rows per chunk: each chunk re-packs the whole other operand (about one cycle
 * per float, against ~3.6 multiply-adds per cycle in the micro-kernel), so a chunk w wide costs
 * ~3.6/w extra: 3% at 128, 11% at 32.
 */
const MIN_CHUNK = 128;

/** A wait for the helper longer than this means it is stuck: threads are turned off. */
let waitTimeoutMs = 60_000;

// Control block (Int32 word indices).
const GEN = 0;
const JOIN = 1;
const NEXT = 2;
const CHUNKS = 3;
const READY = 4;
const STOP = 5;
/** Word index of `gemmChunk`'s argument block (10 words) within the control block. */
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
  memory: WebAssembly.Memory;
  exports: ThreadExports;
  ctl: Int32Array;
  /** A float32 view of the whole memory, remade when it grows. */
  heap: Float32Array;
  argsPtr: number;
  scratchPtr: number;
  dataPtr: number;
  helper: Helper | undefined;
}

/** The per-realm state, on globalThis: a pool, or 'off' (unavailable here, or failed). */
interface Slot {
  state?: Pool | 'off';
}

const SLOT_KEY = Symbol.for(`@mtl/tensor matmul threads ${matmulWasmSourceHash}`);

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
    worker.postMessage(data);
    return worker;
  } finally {
    // The Worker has its script URL; revoking it once the script is fetched is enough, but the
    // fetch is asynchronous: keep the URL for a while.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** Makes the pool (memory, this thread's instance, the helper), or 'off' if threads are unavailable here. */
function createPool(): Pool | 'off' {
  if (!canBlock()) return 'off';
  let pool: Pool | undefined;
  try {
    const module = compileSimdModule(matmulWasmThreadsBase64);
    if (module === null) return 'off';
    const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    if (!(memory.buffer instanceof SharedArrayBuffer)) return 'off';
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ThreadExports;
    const ctlPtr = align(exports.heapBase());
    const argsPtr = ctlPtr + ARGS * 4;
    const scratchPtr = align(ctlPtr + CONTROL_WORDS * 4);
    const helperScratch = align(scratchPtr + exports.scratchBytes());
    const dataPtr = align(helperScratch + exports.scratchBytes());
    const ctl = new Int32Array(memory.buffer, ctlPtr, CONTROL_WORDS);
    Atomics.store(ctl, JOIN, CLOSED);
    const created: Pool = {
      memory,
      exports,
      ctl,
      heap: new Float32Array(memory.buffer),
      argsPtr,
      scratchPtr,
      dataPtr,
      helper: undefined,
    };
    pool = created;
    created.helper = startHelper(
      { module, memory, ctl: ctlPtr, args: argsPtr, scratch: helperScratch },
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
}

/** Stops the helper and turns threads off in this realm for good. */
function shutDown(pool: Pool): void {
  stop(pool);
  slot().state = 'off';
}

function getPool(): Pool | undefined {
  const s = slot();
  s.state ??= createPool();
  if (s.state === 'off') return undefined;
  if (Atomics.load(s.state.ctl, READY) < 0) {
    shutDown(s.state);
    return undefined;
  }
  return s.state;
}

/**
 * Whether the 2-thread path can run here: shared memory, `Atomics.wait`, a Worker (made on the
 * first call) and no failure so far.
 */
export function matmulThreadsAvailable(): boolean {
  return getPool() !== undefined;
}

/**
 * `out[outOffset + i*n + j] = Σ_p A[i,p]·B[p,j]` on two threads (this one and the helper), with
 * the same arithmetic as `matmulWasmF32`. Returns false, having written nothing to `out`, if
 * the 2-thread path is unavailable (see the module comment) or failed; the caller then uses
 * the single-thread kernel. Requires m, k, n ≥ 1.
 */
export function matmulThreadedF32(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  out: Float32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): boolean {
  // Split the longer side of C: column panels (multiples of the micro-kernel's 8 columns) or
  // row blocks (multiples of its 4 rows).
  const splitCols = n >= m;
  const unit = splitCols ? 8 : 4;
  const dim = splitCols ? n : m;
  const chunk = Math.max(MIN_CHUNK, Math.ceil(dim / TARGET_CHUNKS / unit) * unit);
  const chunks = Math.ceil(dim / chunk);
  if (chunks < 2) return false; // e.g. 128×4096·4096×128: nothing to share without re-packing
  const pool = getPool();
  if (!pool) return false;
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const aPtr = pool.dataPtr;
  const bPtr = align(aPtr + 4 * sizeA);
  const cPtr = align(bPtr + 4 * sizeB);
  const end = cPtr + 4 * sizeC;
  if (end > MAX_PAGES * PAGE) return false;
  if (pool.heap.byteLength < end) {
    if (!growMemory(pool.memory, end)) return false;
    pool.heap = new Float32Array(pool.memory.buffer);
  }
  const heap = pool.heap;
  heap.set(aOffset === 0 && a.length === sizeA ? a : a.subarray(aOffset, aOffset + sizeA), aPtr / 4);
  heap.set(bOffset === 0 && b.length === sizeB ? b : b.subarray(bOffset, bOffset + sizeB), bPtr / 4);

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
  Atomics.store(ctl, NEXT, 0);
  Atomics.store(ctl, CHUNKS, chunks);
  Atomics.store(ctl, JOIN, OPEN);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);

  const { exports, argsPtr, scratchPtr } = pool;
  const deadline = Date.now() + waitTimeoutMs;
  if (testHooks.helperOnly) {
    // Leave every chunk to the helper (it has joined when JOIN is no longer OPEN).
    while (Atomics.load(ctl, JOIN) === OPEN && Date.now() < deadline) Atomics.wait(ctl, JOIN, OPEN, 50);
  }
  const leaveAll = testHooks.helperOnly && Atomics.load(ctl, JOIN) !== OPEN;
  for (let i = leaveAll ? chunks : Atomics.add(ctl, NEXT, 1); i < chunks; i = Atomics.add(ctl, NEXT, 1)) {
    exports.gemmChunk(argsPtr, i, scratchPtr);
  }
  if (Atomics.compareExchange(ctl, JOIN, OPEN, CLOSED) !== OPEN) {
    // The helper joined: wait for it to finish its last chunk.
    while (Atomics.load(ctl, JOIN) === HELPER_WORKING) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(ctl, JOIN, HELPER_WORKING, left) === 'timed-out') {
        if (Atomics.load(ctl, JOIN) !== HELPER_WORKING) break;
        shutDown(pool);
        return false;
      }
    }
  }
  out.set(heap.subarray(cPtr / 4, cPtr / 4 + sizeC), outOffset);
  return true;
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
