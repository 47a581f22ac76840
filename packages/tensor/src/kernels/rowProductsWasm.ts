/**
 * The row products (`rowProducts.ts`) on the kernel module (`assembly/rows.ts`, SIMD with float64
 * sums, the same bits as the loops): the `wasm` implementation of the registry's `rowProducts`
 * kernel. It takes float32 rows, read in place where they are in kernel storage (a multi-task
 * driver keeps its Jacobian there) and staged otherwise; float64 rows, and rows too short to pay
 * for the call, run the loops.
 */

import { activeKernels } from '../backend/backend';
import { heapF32, heapF64, inKernelMemory, Staging } from '../backend/kernelMemory';
import { combineRowsLoop, gramRowsLoop } from './rowProducts';

type Floats = Float32Array | Float64Array;

/** Below this many elements the call and the copies cost more than the loops. */
const MIN_WASM_SIZE = 1024;
/** Above this many bytes of staging, use the loops rather than grow kernel memory for good. */
const MAX_STAGING_BYTES = 64 * 2 ** 20;

const staging = new Staging();

/**
 * The kernel module and the address of X (in place, or staged after `extra` bytes at the start
 * of the staging block), or undefined where the loops run.
 */
function placed(x: Floats, extra: number): { at: number; base: number } | undefined {
  if (!(x instanceof Float32Array) || x.length < MIN_WASM_SIZE) return undefined;
  const inPlace = inKernelMemory(x);
  const bytes = extra + (inPlace ? 0 : 4 * x.length);
  if (bytes > MAX_STAGING_BYTES || activeKernels() === undefined) return undefined;
  const base = staging.at(bytes);
  if (base === undefined) return undefined;
  if (inPlace) return { at: x.byteOffset, base };
  heapF32().set(x, (base + extra) / 4);
  return { at: base + extra, base };
}

export function gramRowsWasm(x: Floats, t: number, n: number): Float64Array {
  const extra = Math.ceil((8 * t * t) / 16) * 16;
  const p = placed(x, extra);
  const wasm = activeKernels();
  if (p === undefined || wasm === undefined) return gramRowsLoop(x, t, n);
  wasm.gramRows(p.at, t, n, p.base);
  return heapF64().slice(p.base / 8, p.base / 8 + t * t);
}

export function combineRowsWasm(
  x: Floats,
  weights: ArrayLike<number>,
  t: number,
  n: number,
  out: Floats,
): void {
  // Staging: the weights (float64), then the result (float32), then X when it is not in place.
  const wBytes = Math.ceil((8 * t) / 16) * 16;
  const outBytes = Math.ceil((4 * n) / 16) * 16;
  const p = out instanceof Float32Array ? placed(x, wBytes + outBytes) : undefined;
  const wasm = activeKernels();
  if (p === undefined || wasm === undefined) {
    combineRowsLoop(x, weights, t, n, out);
    return;
  }
  const heap = heapF64();
  for (let i = 0; i < t; i++) heap[p.base / 8 + i] = weights[i]!;
  wasm.combineRows(p.at, p.base, t, n, p.base + wBytes);
  out.set(heapF32().subarray((p.base + wBytes) / 4, (p.base + wBytes) / 4 + n));
}
