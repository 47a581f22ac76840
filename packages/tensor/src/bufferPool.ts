/**
 * Reuse of JS-heap buffers that their owner knows are dead.
 *
 * A fresh typed array costs far more than its size suggests: V8's backing-store path and the
 * page faults of new memory take ~15 µs for 128 KB on our machines, against ~2 µs to zero a used
 * one, and two trainings side by side contend for it (each ran ~15% slower than alone; with
 * reuse, ~5%). JavaScript cannot tell when nothing holds an array any more, so reuse is opt-in
 * and narrow: a `BufferScope` notes every buffer `allocate` makes while it is the innermost open
 * scope, and its owner hands back the ones it can prove no one else holds — autograd's backward
 * pass does, for the intermediate gradients it made itself (its `Gradients.ts`). Later
 * allocations of the same byte length take them, zero-filled, so an op never sees what was there.
 *
 * Bounded: at most `POOL_BYTES` wait in the pool (more are left to the garbage collector), and
 * only buffers of `POOLED_MIN_BYTES` or more are kept — below that a fresh array costs about what
 * reuse does.
 */

/** Bytes the pool holds at most. */
const POOL_BYTES = 64 * 2 ** 20;
/**
 * The smallest buffer `allocate` takes from the pool and notes for the open scope: a fresh 1 KB
 * array costs ~1 µs, a reused one ~0.3 µs; below that, reuse gains nothing.
 */
export const POOLED_MIN_BYTES = 1024;

/** Free buffers by byte length. */
const free = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;
/** Open scopes, innermost last. */
const scopes: BufferScope[] = [];

/** Notes the buffers made while it is the innermost open scope; hands back those its owner says are dead. */
export class BufferScope {
  readonly #made = new WeakSet<ArrayBufferLike>();
  #open = true;

  /** @internal Called by `allocate` for each buffer it hands out while this scope is innermost. */
  note(buffer: ArrayBuffer): void {
    this.#made.add(buffer);
  }

  /**
   * Hands `buffer` back for reuse if this scope saw it made; the caller guarantees that no array
   * on it is used again. Returns whether it was taken.
   */
  release(buffer: ArrayBufferLike): boolean {
    if (!this.#made.has(buffer)) return false;
    this.#made.delete(buffer);
    const bytes = buffer.byteLength;
    if (bytes < POOLED_MIN_BYTES || pooledBytes + bytes > POOL_BYTES) return true;
    const list = free.get(bytes);
    if (list === undefined) free.set(bytes, [buffer as ArrayBuffer]);
    else list.push(buffer as ArrayBuffer);
    pooledBytes += bytes;
    return true;
  }

  /** Stops noting buffers (idempotent). Buffers it did not release are left to the garbage collector. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    const at = scopes.lastIndexOf(this);
    if (at >= 0) scopes.splice(at, 1);
  }
}

/**
 * Opens a scope that notes the buffers `allocate` makes until it is closed (while a scope opened
 * later is open, that one notes them instead). Close it in a `finally`.
 */
export function openBufferScope(): BufferScope {
  const scope = new BufferScope();
  scopes.push(scope);
  return scope;
}

/** A pooled buffer of exactly `bytes` (its old contents still in it), or undefined. */
export function reuseBuffer(bytes: number): ArrayBuffer | undefined {
  if (pooledBytes === 0) return undefined;
  const buffer = free.get(bytes)?.pop();
  if (buffer !== undefined) pooledBytes -= bytes;
  return buffer;
}

/** Lets the innermost open scope, if any, note a buffer `allocate` made or reused. */
export function noteBuffer(buffer: ArrayBuffer): void {
  if (scopes.length > 0) scopes[scopes.length - 1]!.note(buffer);
}

/** Bytes waiting in the pool now (at most 64 MiB). */
export function bufferPoolBytes(): number {
  return pooledBytes;
}

/** Empties the pool (for tests, and for a user who wants the memory back at once). */
export function clearBufferPool(): void {
  free.clear();
  pooledBytes = 0;
}
