import type { FloatArray } from './FloatArray';

export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * One SGD step, in place, as `torch.optim.SGD` (1.13): d = ±g (+ weightDecay·p when it is not 0,
 * so ±∞ and NaN come out as in PyTorch); with momentum,
 * buf = momentum·buf + (1 − dampening)·d (buf = d on the first step), d = buf or, for Nesterov,
 * d + momentum·buf; then p −= lr·d. `buf` is null without momentum.
 */
export function sgdUpdate(
  p: FloatArray,
  g: FloatArray,
  buf: FloatArray | null,
  first: boolean,
  h: SgdHyper,
): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = h;
  const sign = maximize ? -1 : 1;
  const keep = 1 - dampening;
  const n = p.length;
  // The common cases without the loop-invariant branches below (V8 does not unswitch loops).
  if (weightDecay === 0 && !maximize) {
    if (buf === null) {
      for (let i = 0; i < n; i++) p[i] = p[i]! - lr * g[i]!;
      return;
    }
    if (!first && !nesterov) {
      for (let i = 0; i < n; i++) {
        buf[i] = momentum * buf[i]! + keep * g[i]!;
        p[i] = p[i]! - lr * buf[i]!;
      }
      return;
    }
  }
  // PyTorch adds weightDecay·p only when weightDecay ≠ 0 (0·±∞ would make an infinite parameter NaN).
  const decay = weightDecay !== 0;
  for (let i = 0; i < p.length; i++) {
    let d = decay ? sign * g[i]! + weightDecay * p[i]! : sign * g[i]!;
    if (buf !== null) {
      const b = first ? d : momentum * buf[i]! + keep * d;
      buf[i] = b;
      d = nesterov ? d + momentum * buf[i]! : buf[i]!;
    }
    p[i] = p[i]! - lr * d;
  }
}
