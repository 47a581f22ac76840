import type { FloatArray } from './FloatArray';

export interface AdagradHyper {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  eps: number;
  maximize: boolean;
  /** The step number after this update (1 on the first step). */
  step: number;
}

/**
 * One Adagrad step, in place, as `torch.optim.Adagrad` (1.13): sum += g²; then
 * p −= clr·g/(√sum + ε) with clr = lr / (1 + (step − 1)·lrDecay).
 */
export function adagradUpdate(p: FloatArray, g: FloatArray, sum: FloatArray, h: AdagradHyper): void {
  const { lr, lrDecay, weightDecay, eps, maximize, step } = h;
  const clr = lr / (1 + (step - 1) * lrDecay);
  const sign = maximize ? -1 : 1;
  if (weightDecay === 0 && !maximize) {
    // The common case, without the loop-invariant terms (V8 does not unswitch loops).
    for (let i = 0; i < p.length; i++) {
      const grad = g[i]!;
      sum[i] = sum[i]! + grad * grad;
      p[i] = p[i]! - clr * (grad / (Math.sqrt(sum[i]!) + eps));
    }
    return;
  }
  // PyTorch adds weightDecay·p only when weightDecay ≠ 0 (0·±∞ would make an infinite parameter NaN).
  const decay = weightDecay !== 0;
  for (let i = 0; i < p.length; i++) {
    const grad = decay ? sign * g[i]! + weightDecay * p[i]! : sign * g[i]!;
    sum[i] = sum[i]! + grad * grad;
    p[i] = p[i]! - clr * (grad / (Math.sqrt(sum[i]!) + eps));
  }
}
