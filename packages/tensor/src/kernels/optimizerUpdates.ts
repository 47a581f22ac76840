/**
 * The float32 optimizer updates of the kernel module (`assembly/optim.ts`): Adam/AdamW, SGD with
 * momentum, RMSprop and Adagrad, in place, with @mtl/optim computing the scalars (it keeps the
 * TypeScript updates, the reference and the float64 path).
 *
 * Each function returns false, having changed nothing, where the kernel does not run: the
 * backend is `'js'` for `'optimizerUpdates'`, no WebAssembly SIMD, or a state buffer is not in
 * kernel storage. The caller then runs its TypeScript update. They run the registry's
 * `optimizerUpdates` kernel: its `wasm` implementation is `optimizerUpdatesWasm.ts`, and its
 * `js` one runs nothing (returns false), the TypeScript updates being @mtl/optim's.
 */

import { getKernel, KERNELS } from '../backend/registry';

/**
 * Adam/AdamW without amsgrad: p ·= shrink; d = sign·g (+ l2·p when l2 ≠ 0); m = β₁m + a1·d;
 * v = β₂v + a2·d²; p −= (stepSize·m) / (√v·invC2 + ε). m and v must be in kernel storage.
 */
export function adamUpdateKernel(
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
  return getKernel(KERNELS.optimizerUpdates).adam(
    p,
    g,
    m,
    v,
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
  );
}

/** SGD with momentum (not Nesterov): d = sign·g (+ wd·p); buf = momentum·buf + keep·d; p −= lr·buf. */
export function sgdMomentumUpdateKernel(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  lr: number,
  momentum: number,
  keep: number,
  weightDecay: number,
  sign: number,
): boolean {
  return getKernel(KERNELS.optimizerUpdates).sgdMomentum(p, g, buf, lr, momentum, keep, weightDecay, sign);
}

/** RMSprop, neither centered nor with momentum: square = α·square + keep·d²; p −= lr·d / (√square + ε). */
export function rmspropUpdateKernel(
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
  return getKernel(KERNELS.optimizerUpdates).rmsprop(p, g, square, lr, alpha, keep, eps, weightDecay, sign);
}

/** Adagrad: sum += d²; p −= clr·d / (√sum + ε). */
export function adagradUpdateKernel(
  p: Float32Array,
  g: Float32Array,
  sum: Float32Array,
  clr: number,
  eps: number,
  weightDecay: number,
  sign: number,
): boolean {
  return getKernel(KERNELS.optimizerUpdates).adagrad(p, g, sum, clr, eps, weightDecay, sign);
}
