/**
 * The WASM SIMD float32 updates (source: `assembly/optim.ts`, embedded as base64 in
 * `optimWasm.generated.ts`), loaded lazily and synchronously on first use.
 *
 * Loading, as @mtl/tensor's matmul kernel: `WebAssembly.validate` of a tiny SIMD module first
 * (feature detection), then `new WebAssembly.Module` / `new WebAssembly.Instance`, synchronous,
 * which is fine for a module of ~2 KiB. If anything fails (no WebAssembly, no SIMD, a
 * Content-Security-Policy without `wasm-unsafe-eval`), the kernels report themselves unavailable
 * and the optimizers use the TypeScript updates.
 *
 * Memory: an update streams the parameter, its gradient and its state buffers; WASM can only
 * touch its own linear memory, and copying everything in and out would cost more traffic than
 * the update itself. So the state buffers (Adam's m and v…) and the parameter's values live in
 * WebAssembly memory for good (the optimizer moves a parameter there on its first step, see
 * `wasmStateBuffers`), and only the gradient, made fresh by every backward pass, passes through
 * in chunks of `CHUNK` elements copied into a scratch area that stays in cache: main memory sees
 * each byte of p, g and the state once per step, as the bandwidth bound counts it. (Copying p in
 * and out as well, as this did first, cost 1.6× the bound: the copy back writes a line it has to
 * read first.)
 *
 * The memories are slabs of a fixed size, each with its own instance of the module (the memory
 * is imported), never grown: a grown memory would detach every view of the state buffers. State
 * buffers are bump-allocated in the newest slab; a new slab (larger each time, up to
 * `MAX_SLAB_BYTES`, or exactly as large as one big buffer needs) is made when it is full. A slab
 * is garbage-collected with the last state tensor that views it (the allocator only keeps the
 * newest). If a memory cannot be made, the state stays on the JS heap and the TypeScript update
 * runs.
 */
import { alignBytes, compileSimdModule } from '@mtl/tensor';
import { optimWasmBase64 } from './optimWasm.generated';

interface OptimExports {
  heapBase(): number;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    beta2: number,
    a1: number,
    a2: number,
    stepSize: number,
    invC2: number,
    eps: number,
    shrink: number,
    l2: number,
    sign: number,
  ): void;
  sgdMomentum(
    p: number,
    g: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    keep: number,
    weightDecay: number,
    sign: number,
  ): void;
  rmsprop(
    p: number,
    g: number,
    square: number,
    n: number,
    lr: number,
    alpha: number,
    keep: number,
    eps: number,
    weightDecay: number,
    sign: number,
  ): void;
  adagrad(
    p: number,
    g: number,
    sum: number,
    n: number,
    clr: number,
    eps: number,
    weightDecay: number,
    sign: number,
  ): void;
}

/** Elements of p and g copied into WebAssembly memory per kernel call (32 KiB each: L1/L2-resident). */
export const CHUNK = 8192;
const PAGE = 65536;
const MIN_SLAB_BYTES = 4 * 2 ** 20;
const MAX_SLAB_BYTES = 256 * 2 ** 20;
/** wasm32 addresses 4 GiB; stay below it. */
const MAX_MEMORY_BYTES = 2 ** 32 - PAGE;

/** One fixed-size memory with its instance: the gradient's scratch area, then parameters and state buffers. */
export interface Slab {
  readonly wasm: OptimExports;
  /** Byte offset of the gradient's scratch chunk. */
  readonly gPtr: number;
  /** A view of the scratch chunk (CHUNK elements). */
  readonly gChunk: Float32Array;
  /** The next free byte and the end of the memory. */
  next: number;
  readonly end: number;
}

/** undefined: not tried yet; null: unavailable here. */
let compiled: WebAssembly.Module | null | undefined;
let newest: Slab | undefined;
let nextSlabBytes = MIN_SLAB_BYTES;
/** The smallest memory that could not be made (never retried); Infinity while none failed. */
let failedBytes = Number.POSITIVE_INFINITY;
/** The slab of each memory's buffer, to find the kernels for a state buffer. */
const slabs = new WeakMap<ArrayBufferLike, Slab>();

function getModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileSimdModule(optimWasmBase64);
  return compiled;
}

/** Whether this JS environment runs the WASM SIMD kernels (compiles them on the first call). */
export function wasmOptimAvailable(): boolean {
  return getModule() !== null;
}

/** A new slab with room for `bytes` of state after its scratch area; undefined if it cannot be made. */
function newSlab(bytes: number): Slab | undefined {
  const module = getModule();
  if (module === null) return undefined;
  // heapBase is a property of the module; the scratch area starts after it.
  const scratch = 64 * 2 ** 10 + 4 * CHUNK;
  const total = Math.ceil(Math.max(bytes + scratch, nextSlabBytes) / PAGE) * PAGE;
  if (total > MAX_MEMORY_BYTES || total >= failedBytes) return undefined;
  try {
    const pages = total / PAGE;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as OptimExports;
    const gPtr = alignBytes(wasm.heapBase());
    const buffer = memory.buffer;
    const slab: Slab = {
      wasm,
      gPtr,
      gChunk: new Float32Array(buffer, gPtr, CHUNK),
      next: gPtr + 4 * CHUNK,
      end: total,
    };
    slabs.set(buffer, slab);
    nextSlabBytes = Math.min(2 * nextSlabBytes, MAX_SLAB_BYTES);
    return slab;
  } catch {
    // Out of memory or address space for WASM: the state stays on the JS heap, and no later
    // step tries a memory this large again (each would fail the same way, every step).
    failedBytes = Math.min(failedBytes, total);
    return undefined;
  }
}

/**
 * `count` zero-filled float32 buffers of `n` elements each, in one slab (so one kernel call can
 * use them together); undefined if the kernels are unavailable or no memory could be made.
 */
export function allocateInWasm(n: number, count: number): Float32Array[] | undefined {
  const each = alignBytes(4 * n);
  const bytes = each * count;
  let slab = newest;
  if (slab === undefined || slab.end - slab.next < bytes) {
    slab = newSlab(bytes);
    if (slab === undefined) return undefined;
    // A buffer bigger than the next slab size gets a slab to itself; keep filling the current one.
    if (newest === undefined || slab.end - slab.next - bytes >= newest.end - newest.next) newest = slab;
  }
  const buffer = slab.gChunk.buffer;
  const views: Float32Array[] = [];
  for (let i = 0; i < count; i++) views.push(new Float32Array(buffer, slab.next + i * each, n));
  slab.next += bytes;
  return views;
}

/** The slab holding all of `arrays`, or undefined if they are not all in the same one. */
export function slabOf(arrays: readonly Float32Array[]): Slab | undefined {
  const slab = slabs.get(arrays[0]!.buffer);
  if (slab === undefined) return undefined;
  for (let i = 1; i < arrays.length; i++) if (arrays[i]!.buffer !== arrays[0]!.buffer) return undefined;
  return slab;
}

/**
 * Runs `kernel(start, len)` over `g` in chunks: copies each chunk of g into the slab's scratch
 * area and calls the kernel, which reads it at `slab.gPtr` and the parameter and state (in the
 * slab) at their offset `start`.
 */
export function forEachChunk(
  slab: Slab,
  g: Float32Array,
  kernel: (start: number, len: number) => void,
): void {
  const { gChunk } = slab;
  const n = g.length;
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    gChunk.set(g.subarray(start, start + len));
    kernel(start, len);
  }
}
