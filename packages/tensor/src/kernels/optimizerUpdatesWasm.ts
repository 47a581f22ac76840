/**
 * The float32 optimizer updates on the kernel module (`assembly/optim.ts`): the `wasm`
 * implementation of the registry's `optimizerUpdates` kernel (see `optimizerUpdates.ts`). Each
 * returns false, having changed nothing, where it does not run: no WebAssembly SIMD, or a state
 * buffer not in kernel storage.
 *
 * An update streams the parameter, its gradient and its state buffers. The state buffers must
 * be in kernel storage (@mtl/optim makes them there), so the kernel updates them in place; so
 * is the parameter when it lives there (an `nn` `Parameter` does from the start), and otherwise
 * it passes through in chunks with the gradient: each chunk of g (and of p) is copied into a
 * cache-resident staging area of `CHUNK` elements, updated, and p's chunk copied back. Main
 * memory then sees each byte once per step, as the bandwidth bound counts it, when p lives in
 * kernel storage (copying p in and out costs ~1.6× the bound).
 */

import { activeKernels } from '../backend/backend';
import { heapF32, inKernelMemory, reserve } from '../backend/kernelMemory';
import type { KernelExports } from '../backend/kernelModule';

/** Elements of g (and of p, when it is not in kernel storage) staged per kernel call: 32 KiB each, cache-resident. */
const CHUNK = 8192;

let chunkArea: number | undefined;

/** The kernel instance and the staging area, when every state buffer is in kernel storage. */
function ready(states: readonly Float32Array[]): KernelExports | undefined {
  const wasm = activeKernels();
  if (wasm === undefined) return undefined;
  for (const s of states) if (!inKernelMemory(s)) return undefined;
  chunkArea ??= reserve(8 * CHUNK);
  return chunkArea === undefined ? undefined : wasm;
}

/**
 * Runs `kernel(pPtr, gPtr, start, len)` over p and g in chunks: g's chunk is staged; p is used in
 * place when in kernel storage, else staged and copied back after the call.
 */
function forEachChunk(
  p: Float32Array,
  g: Float32Array,
  kernel: (pPtr: number, gPtr: number, start: number, len: number) => void,
): void {
  const gPtr = chunkArea!;
  const stagedP = gPtr + 4 * CHUNK;
  const pInPlace = inKernelMemory(p);
  const n = g.length;
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    const heap = heapF32();
    heap.set(g.subarray(start, start + len), gPtr / 4);
    if (pInPlace) {
      kernel(p.byteOffset + 4 * start, gPtr, start, len);
    } else {
      heap.set(p.subarray(start, start + len), stagedP / 4);
      kernel(stagedP, gPtr, start, len);
      p.set(heap.subarray(stagedP / 4, stagedP / 4 + len), start);
    }
  }
}

/**
 * Adam/AdamW without amsgrad: p ·= shrink; d = sign·g (+ l2·p when l2 ≠ 0); m = β₁m + a1·d;
 * v = β₂v + a2·d²; p −= (stepSize·m) / (√v·invC2 + ε). m and v must be in kernel storage.
 */
export function adamWasm(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
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
): boolean {
  const wasm = ready([m, v]);
  if (wasm === undefined) return false;
  const mPtr = m.byteOffset;
  const vPtr = v.byteOffset;
  forEachChunk(p, g, (pPtr, gPtr, start, len) =>
    wasm.adam(
      pPtr,
      gPtr,
      mPtr + 4 * start,
      vPtr + 4 * start,
      len,
      beta1,
      beta2,
      a1,
      a2,
      stepSize,
      invC2,
      eps,
      shrink,
      l2,
      sign,
    ),
  );
  return true;
}

/** SGD with momentum (not Nesterov): d = sign·g (+ wd·p); buf = momentum·buf + keep·d; p −= lr·buf. */
export function sgdMomentumWasm(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  lr: number,
  momentum: number,
  keep: number,
  weightDecay: number,
  sign: number,
): boolean {
  const wasm = ready([buf]);
  if (wasm === undefined) return false;
  const bufPtr = buf.byteOffset;
  forEachChunk(p, g, (pPtr, gPtr, start, len) =>
    wasm.sgdMomentum(pPtr, gPtr, bufPtr + 4 * start, len, lr, momentum, keep, weightDecay, sign),
  );
  return true;
}

/** RMSprop, neither centered nor with momentum: square = α·square + keep·d²; p −= lr·d / (√square + ε). */
export function rmspropWasm(
  p: Float32Array,
  g: Float32Array,
  square: Float32Array,
  lr: number,
  alpha: number,
  keep: number,
  eps: number,
  weightDecay: number,
  sign: number,
): boolean {
  const wasm = ready([square]);
  if (wasm === undefined) return false;
  const sqPtr = square.byteOffset;
  forEachChunk(p, g, (pPtr, gPtr, start, len) =>
    wasm.rmsprop(pPtr, gPtr, sqPtr + 4 * start, len, lr, alpha, keep, eps, weightDecay, sign),
  );
  return true;
}

/** Adagrad: sum += d²; p −= clr·d / (√sum + ε). */
export function adagradWasm(
  p: Float32Array,
  g: Float32Array,
  sum: Float32Array,
  clr: number,
  eps: number,
  weightDecay: number,
  sign: number,
): boolean {
  const wasm = ready([sum]);
  if (wasm === undefined) return false;
  const sumPtr = sum.byteOffset;
  forEachChunk(p, g, (pPtr, gPtr, start, len) =>
    wasm.adagrad(pPtr, gPtr, sumPtr + 4 * start, len, clr, eps, weightDecay, sign),
  );
  return true;
}
