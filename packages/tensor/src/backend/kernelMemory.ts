/**
 * The one WebAssembly memory of the @mtl kernels, per JS realm, and its allocator.
 *
 * Where shared memory is available (Node; every current browser) the memory is shared. A shared
 * memory's buffers are never detached when it grows, so a typed array made on it stays valid for
 * good: float32 tensors can live here (*kernel storage*: parameters, optimizer state), the
 * kernels work on them in place, and a helper thread's instance of the kernel module sees the
 * same bytes. Elsewhere the memory is private and only stages operands (copied in, result
 * copied out, views remade after growth), and kernel storage is unavailable.
 *
 * Layout: [0, BASE) is the module's static data; above it, blocks of 64-byte multiples handed
 * out first-fit from a free list, growing the memory when none fits. Storage blocks are freed
 * when the typed array handed out is garbage-collected (a FinalizationRegistry); the few blocks
 * the kernels keep (scratch, staging, a thread's control block) are freed explicitly.
 */

import { wasmFeatures } from './features';

const PAGE = 65536;
/** First byte the allocator hands out: above the kernel module's static data (checked on load). */
export const BASE = 65536;
const ALIGN = 64;
/** Kernel storage in use at most (bytes); past it `allocateStorage` gives undefined (the JS heap). */
const STORAGE_LIMIT = 1024 * 2 ** 20;
/** Pages a shared memory may grow to, tried in order (an engine may refuse to reserve 4 GiB). */
const MAXIMA = [65536, 16384, 4096];

export type MemoryMode = 'shared' | 'private';

interface Block {
  start: number;
  end: number;
}

/**
 * The memory and its allocator, one per JS realm: kept on `globalThis` under a symbol, so copies
 * of this module (a bundle next to a test runner's reloads, say) share one memory rather than
 * each growing its own (and each starting a helper thread on it).
 */
interface Realm {
  memory: WebAssembly.Memory | null;
  mode: MemoryMode;
  /** Free ranges, sorted by start, never adjacent (merged on release). */
  free: Block[];
  /** Every buffer the memory has had (one per growth). */
  buffers: WeakSet<ArrayBufferLike>;
  /**
   * The arrays kernel storage handed out, and the views made of them through `storageView`: the
   * only typed arrays the kernels work on in place. Any other view of the memory (a user's
   * `subarray`) does not keep its block alive, so the kernels copy it like any JS-heap array.
   */
  storage: WeakSet<ArrayBufferView>;
  /** The owner of each `storageView`, kept alive as long as the view is. */
  owners: WeakMap<ArrayBufferView, Float32Array>;
  /** Bytes of kernel storage handed out and not yet freed. */
  storageBytes: number;
  freeOnCollect: FinalizationRegistry<Block> | undefined;
}

const REALM_KEY = Symbol.for('@mtl/tensor kernel memory 1');
let realm: Realm | undefined;
let f32 = new Float32Array(0);
let f64 = new Float64Array(0);
let i32 = new Int32Array(0);

function getRealm(): Realm {
  if (realm !== undefined) return realm;
  const g = globalThis as unknown as Record<symbol, Realm | undefined>;
  realm = g[REALM_KEY];
  if (realm === undefined) {
    realm = create();
    Object.defineProperty(globalThis, REALM_KEY, { value: realm, configurable: true });
  }
  if (realm.memory) refreshViews(realm.memory);
  return realm;
}

/** The memory, made on the first call; undefined where WebAssembly SIMD is unavailable or no memory can be made. */
export function kernelMemory(): WebAssembly.Memory | undefined {
  return getRealm().memory ?? undefined;
}

/** `'shared'` when tensors can live in kernel memory, else `'private'`. */
export function memoryMode(): MemoryMode {
  return getRealm().mode;
}

function create(): Realm {
  const r: Realm = {
    memory: null,
    mode: 'private',
    free: [],
    buffers: new WeakSet(),
    storage: new WeakSet(),
    owners: new WeakMap(),
    storageBytes: 0,
    freeOnCollect:
      typeof FinalizationRegistry === 'function'
        ? new FinalizationRegistry<Block>((block) => {
            release(block.start, block.end - block.start);
            getRealm().storageBytes -= block.end - block.start;
          })
        : undefined,
  };
  if (!wasmFeatures().simd) return r;
  const initial = BASE / PAGE + 16;
  if (wasmFeatures().sharedMemory) {
    for (const maximum of MAXIMA) {
      try {
        r.memory = new WebAssembly.Memory({ initial, maximum, shared: true });
        r.mode = 'shared';
        break;
      } catch {}
    }
  }
  if (r.memory === null) {
    try {
      r.memory = new WebAssembly.Memory({ initial, maximum: MAXIMA[0]! });
    } catch {
      return r;
    }
  }
  r.free.push({ start: BASE, end: r.memory.buffer.byteLength });
  return r;
}

function refreshViews(m: WebAssembly.Memory): void {
  const buffer = m.buffer;
  getRealm().buffers.add(buffer);
  f32 = new Float32Array(buffer);
  f64 = new Float64Array(buffer);
  i32 = new Int32Array(buffer);
}

/** A float32 view of the whole memory as it is now (remade after growth). */
export function heapF32(): Float32Array {
  const m = getRealm().memory;
  if (m && f32.buffer.byteLength !== m.buffer.byteLength) refreshViews(m);
  return f32;
}

/** A float64 view of the whole memory as it is now (remade after growth). */
export function heapF64(): Float64Array {
  const m = getRealm().memory;
  if (m && f64.buffer.byteLength !== m.buffer.byteLength) refreshViews(m);
  return f64;
}

/** An int32 view of the whole memory as it is now (remade after growth). */
export function heapI32(): Int32Array {
  const m = getRealm().memory;
  if (m && i32.buffer.byteLength !== m.buffer.byteLength) refreshViews(m);
  return i32;
}

/**
 * Whether `array` is kernel storage (an array `allocateStorage` handed out, or a `storageView` of
 * one), so the kernels can work on it in place.
 */
export function inKernelMemory(array: ArrayBufferView): boolean {
  return getRealm().storage.has(array);
}

/**
 * A view of `length` elements at `offset` of the storage array `owner`, which keeps `owner` (and
 * so its block) alive as long as the view lives, and which the kernels work on in place.
 */
export function storageView(owner: Float32Array, offset: number, length: number): Float32Array {
  const r = getRealm();
  const view = owner.subarray(offset, offset + length);
  if (r.storage.has(owner)) {
    r.storage.add(view);
    r.owners.set(view, r.owners.get(owner) ?? owner);
  }
  return view;
}

/**
 * Reserves `bytes` (rounded up to 64) and returns the block's address, or undefined if the
 * memory cannot grow that far. The caller frees it with `release`.
 */
export function reserve(bytes: number): number | undefined {
  const m = kernelMemory();
  if (m === undefined) return undefined;
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const { free } = getRealm();
  let i = free.findIndex((b) => b.end - b.start >= size);
  if (i < 0 && !grow(m, size)) return undefined;
  if (i < 0) i = free.findIndex((b) => b.end - b.start >= size);
  const block = free[i]!;
  const address = block.start;
  block.start += size;
  if (block.start === block.end) free.splice(i, 1);
  return address;
}

/** Gives a block back (its address and the bytes asked for). */
export function release(address: number, bytes: number): void {
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const end = address + size;
  const { free } = getRealm();
  let i = 0;
  while (i < free.length && free[i]!.start < address) i++;
  const before = free[i - 1];
  const after = free[i];
  if (before !== undefined && before.end === address) {
    before.end = end;
    if (after !== undefined && after.start === end) {
      before.end = after.end;
      free.splice(i, 1);
    }
  } else if (after !== undefined && after.start === end) {
    after.start = address;
  } else {
    free.splice(i, 0, { start: address, end });
  }
}

/** Grows the memory so that a block of `size` bytes fits at its end (at least doubling, up to 1 GiB at a time). */
function grow(m: WebAssembly.Memory, size: number): boolean {
  const have = m.buffer.byteLength;
  const { free } = getRealm();
  const last = free[free.length - 1];
  const tail = last !== undefined && last.end === have ? last.end - last.start : 0;
  const needed = Math.ceil((size - tail) / PAGE);
  const pages = Math.max(needed, Math.min(have / PAGE, 16384));
  for (const p of pages > needed ? [pages, needed] : [needed]) {
    try {
      m.grow(p);
      const end = m.buffer.byteLength;
      if (tail > 0) last!.end = end;
      else free.push({ start: have, end });
      refreshViews(m);
      return true;
    } catch {}
  }
  return false;
}

/**
 * `n` zero-filled float32 elements in kernel memory, freed when the returned array is
 * garbage-collected; undefined where kernel storage is unavailable (private memory, no
 * WebAssembly, or the memory cannot grow): the caller then allocates on the JS heap.
 */
export function allocateStorage(n: number): Float32Array | undefined {
  const r = getRealm();
  const { mode, memory, freeOnCollect } = r;
  if (mode !== 'shared' || freeOnCollect === undefined) return undefined;
  const bytes = 4 * Math.max(n, 1);
  // Storage is freed only when the garbage collector has run and the event loop turned; code that
  // makes many parameters without yielding falls back to the JS heap past this, rather than
  // growing kernel memory (which never shrinks) towards 4 GiB.
  if (r.storageBytes + bytes > STORAGE_LIMIT) return undefined;
  const address = reserve(bytes);
  if (address === undefined) return undefined;
  const array = new Float32Array(memory!.buffer, address, n);
  array.fill(0);
  getRealm().storage.add(array);
  freeOnCollect.register(array, { start: address, end: address + bytes });
  r.storageBytes += bytes;
  return array;
}

/** For tests: bytes free and in use above BASE. */
export function memoryStatsForTests(): { size: number; free: number } {
  const { memory, free } = getRealm();
  return {
    size: memory ? memory.buffer.byteLength - BASE : 0,
    free: free.reduce((s, b) => s + b.end - b.start, 0),
  };
}

/**
 * A block reused from call to call for operands copied into kernel memory (each kernel keeps its
 * own): grown, never shrunk, as the largest call so far needs.
 */
export class Staging {
  private address = 0;
  private bytes = 0;

  /** The block's address with at least `bytes`, or undefined if memory cannot grow that far. */
  at(bytes: number): number | undefined {
    if (bytes <= this.bytes) return this.address;
    if (this.bytes > 0) release(this.address, this.bytes);
    this.bytes = 0;
    const address = reserve(bytes);
    if (address === undefined) return undefined;
    this.address = address;
    this.bytes = bytes;
    return address;
  }
}
