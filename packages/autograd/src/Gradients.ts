import { add, type BufferScope, type Tensor } from '@mtl/tensor';
import type { Variable } from './Variable';

/**
 * The gradients of one backward pass, by variable, and what the pass may do with their buffers.
 *
 * - Sums the pass allocated itself, which nothing else holds, take later contributions in place
 *   instead of a new sum each time (`owned`).
 * - A gradient the pass made (its buffer was allocated inside the pass's buffer scope) is handed
 *   back for reuse once no entry holds its buffer any more: an intermediate gradient, after its
 *   op's rule has consumed it and it reached no input as it is. Holders are counted per
 *   `ArrayBuffer`, so a rule passing a gradient on, or a view of it, keeps it alive; a target's
 *   entry is never dropped, so what the pass returns is never reused; seeds and every tensor made
 *   before the pass were not allocated in its scope, so they are never handed back.
 */
export class Gradients {
  readonly held = new Map<Variable, Tensor>();
  readonly #owned = new Set<Tensor>();
  readonly #holders = new Map<ArrayBufferLike, number>();

  constructor(readonly scope: BufferScope) {}

  get(v: Variable): Tensor | undefined {
    return this.held.get(v);
  }

  /** Adds `g` to `v`'s gradient. */
  accumulate(v: Variable, g: Tensor): void {
    const current = this.held.get(v);
    if (current === undefined) {
      this.#set(v, g);
    } else if (this.#owned.has(current) && current.dtype === g.dtype && current.size === g.size) {
      // Same shape and dtype (both were fitted to v): add in place.
      const c = current.data;
      const d = g.data;
      for (let i = 0; i < c.length; i++) c[i]! += d[i]!;
    } else {
      const sum = add(current, g);
      this.#owned.add(sum);
      this.#set(v, sum);
    }
  }

  /** `grad` may now be passed on as it is: no more adding into it. */
  seal(grad: Tensor): void {
    this.#owned.delete(grad);
  }

  /** Forgets `v`'s gradient, handing its buffer back if no entry holds it any more. */
  drop(v: Variable): void {
    const g = this.held.get(v);
    if (g === undefined) return;
    this.held.delete(v);
    this.#owned.delete(g);
    this.#release(g);
  }

  #set(v: Variable, g: Tensor): void {
    const old = this.held.get(v);
    this.held.set(v, g);
    const buffer = g.data.buffer;
    this.#holders.set(buffer, (this.#holders.get(buffer) ?? 0) + 1);
    if (old !== undefined) {
      this.#owned.delete(old);
      this.#release(old);
    }
  }

  #release(g: Tensor): void {
    const buffer = g.data.buffer;
    const count = (this.#holders.get(buffer) ?? 1) - 1;
    if (count > 0) {
      this.#holders.set(buffer, count);
      return;
    }
    this.#holders.delete(buffer);
    this.scope.release(buffer);
  }
}
