/**
 * The float32 updates through @mtl/tensor's WebAssembly kernels: the same hyperparameters and
 * semantics as the TypeScript functions beside this file, which stay the reference (and the path
 * for float64 and for the variants without a kernel). The state buffers must be in kernel
 * storage (see `kernelStateBuffers`); the parameter is updated in place wherever it lives. Each
 * returns false, having changed nothing, where the kernel does not run; the caller then runs the
 * TypeScript update.
 */
import {
  adagradUpdateKernel,
  adamUpdateKernel,
  rmspropUpdateKernel,
  sgdMomentumUpdateKernel,
} from '@mtl/tensor';
import type { AdagradHyper } from './adagradUpdate';
import type { AdamHyper } from './adamUpdate';
import type { RmspropHyper } from './rmspropUpdate';
import type { SgdHyper } from './sgdUpdate';

/**
 * Whether the kernels compute with this weight decay as the TypeScript update does: they add the
 * decay term only when it is not 0, and take it as float32, where a weight decay below ~1e-45
 * is 0. Such a weight decay goes to the TypeScript update instead.
 */
export function kernelTakes(weightDecay: number): boolean {
  return weightDecay === 0 || Math.fround(weightDecay) !== 0;
}

/** Adam/AdamW without amsgrad (see `adamUpdate`). */
export function adamKernel(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: AdamHyper,
): boolean {
  const { lr, beta1, beta2, eps, weightDecay, maximize, decoupled, step } = h;
  return adamUpdateKernel(
    p,
    g,
    m,
    v,
    beta1,
    beta2,
    1 - beta1,
    1 - beta2,
    lr / (1 - beta1 ** step),
    1 / Math.sqrt(1 - beta2 ** step),
    eps,
    decoupled ? 1 - lr * weightDecay : 1,
    decoupled ? 0 : weightDecay,
    maximize ? -1 : 1,
  );
}

/**
 * SGD with momentum, not Nesterov (see `sgdUpdate`). On the first step the buffer becomes d,
 * which is the momentum update of a zero buffer with momentum 0 and no dampening.
 */
export function sgdMomentumKernel(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  first: boolean,
  h: SgdHyper,
): boolean {
  return sgdMomentumUpdateKernel(
    p,
    g,
    buf,
    h.lr,
    first ? 0 : h.momentum,
    first ? 1 : 1 - h.dampening,
    h.weightDecay,
    h.maximize ? -1 : 1,
  );
}

/** RMSprop, neither centered nor with momentum (see `rmspropUpdate`). */
export function rmspropKernel(
  p: Float32Array,
  g: Float32Array,
  square: Float32Array,
  h: RmspropHyper,
): boolean {
  return rmspropUpdateKernel(
    p,
    g,
    square,
    h.lr,
    h.alpha,
    1 - h.alpha,
    h.eps,
    h.weightDecay,
    h.maximize ? -1 : 1,
  );
}

/** Adagrad (see `adagradUpdate`). */
export function adagradKernel(p: Float32Array, g: Float32Array, sum: Float32Array, h: AdagradHyper): boolean {
  const clr = h.lr / (1 + (h.step - 1) * h.lrDecay);
  return adagradUpdateKernel(p, g, sum, clr, h.eps, h.weightDecay, h.maximize ? -1 : 1);
}
