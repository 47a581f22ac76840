/**
 * The float32 updates through the WASM kernels: the same hyperparameters and semantics as the
 * TypeScript functions in `../updates`, which stay the reference (and the path for float64 and
 * for the variants without a kernel). `g` is anywhere; the parameter `p` and the state
 * buffers must be in `slab` (see `wasmStateBuffers`).
 */
import type { AdagradHyper } from '../updates/adagradUpdate';
import type { AdamHyper } from '../updates/adamUpdate';
import type { RmspropHyper } from '../updates/rmspropUpdate';
import type { SgdHyper } from '../updates/sgdUpdate';
import { forEachChunk, type Slab } from './optimWasm';

/**
 * Whether the kernels compute with this weight decay as the TypeScript update does: they add the
 * decay term only when it is not 0, and take it as float32, where a weight decay below ~1e-45
 * is 0. Such a weight decay goes to the TypeScript update instead.
 */
export function kernelTakes(weightDecay: number): boolean {
  return weightDecay === 0 || Math.fround(weightDecay) !== 0;
}

/** Adam/AdamW without amsgrad (see `adamUpdate`). */
export function adamWasm(
  slab: Slab,
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: AdamHyper,
): void {
  const { lr, beta1, beta2, eps, weightDecay, maximize, decoupled, step } = h;
  const stepSize = lr / (1 - beta1 ** step);
  const invC2 = 1 / Math.sqrt(1 - beta2 ** step);
  const sign = maximize ? -1 : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const { wasm, gPtr } = slab;
  const pPtr = p.byteOffset;
  const mPtr = m.byteOffset;
  const vPtr = v.byteOffset;
  forEachChunk(slab, g, (start, len) =>
    wasm.adam(
      pPtr + 4 * start,
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
}

/**
 * SGD with momentum, not Nesterov (see `sgdUpdate`). On the first step the buffer becomes d,
 * which is the momentum update of a zero buffer with momentum 0 and no dampening.
 */
export function sgdMomentumWasm(
  slab: Slab,
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  first: boolean,
  h: SgdHyper,
): void {
  const { lr, weightDecay, maximize } = h;
  const momentum = first ? 0 : h.momentum;
  const keep = first ? 1 : 1 - h.dampening;
  const sign = maximize ? -1 : 1;
  const { wasm, gPtr } = slab;
  const pPtr = p.byteOffset;
  const bufPtr = buf.byteOffset;
  forEachChunk(slab, g, (start, len) =>
    wasm.sgdMomentum(pPtr + 4 * start, gPtr, bufPtr + 4 * start, len, lr, momentum, keep, weightDecay, sign),
  );
}

/** RMSprop, neither centered nor with momentum (see `rmspropUpdate`). */
export function rmspropWasm(
  slab: Slab,
  p: Float32Array,
  g: Float32Array,
  square: Float32Array,
  h: RmspropHyper,
): void {
  const { lr, alpha, eps, weightDecay, maximize } = h;
  const sign = maximize ? -1 : 1;
  const keep = 1 - alpha;
  const { wasm, gPtr } = slab;
  const pPtr = p.byteOffset;
  const sqPtr = square.byteOffset;
  forEachChunk(slab, g, (start, len) =>
    wasm.rmsprop(pPtr + 4 * start, gPtr, sqPtr + 4 * start, len, lr, alpha, keep, eps, weightDecay, sign),
  );
}

/** Adagrad (see `adagradUpdate`). */
export function adagradWasm(
  slab: Slab,
  p: Float32Array,
  g: Float32Array,
  sum: Float32Array,
  h: AdagradHyper,
): void {
  const { lr, lrDecay, weightDecay, eps, maximize, step } = h;
  const clr = lr / (1 + (step - 1) * lrDecay);
  const sign = maximize ? -1 : 1;
  const { wasm, gPtr } = slab;
  const pPtr = p.byteOffset;
  const sumPtr = sum.byteOffset;
  forEachChunk(slab, g, (start, len) =>
    wasm.adagrad(pPtr + 4 * start, gPtr, sumPtr + 4 * start, len, clr, eps, weightDecay, sign),
  );
}
