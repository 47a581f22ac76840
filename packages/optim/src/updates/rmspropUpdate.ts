import type { FloatArray } from './FloatArray';

export interface RmspropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/**
 * One RMSprop step, in place, as `torch.optim.RMSprop` (1.13): s = αs + (1 − α)g²; centered
 * subtracts the square of the running mean of g; avg = √(…) + ε; then p −= lr·g/avg, or with
 * momentum buf = momentum·buf + g/avg and p −= lr·buf. `gAvg` and `buf` are null when unused.
 */
export function rmspropUpdate(
  p: FloatArray,
  g: FloatArray,
  square: FloatArray,
  gAvg: FloatArray | null,
  buf: FloatArray | null,
  h: RmspropHyper,
): void {
  const { lr, alpha, eps, weightDecay, momentum, maximize } = h;
  const sign = maximize ? -1 : 1;
  if (weightDecay === 0 && !maximize && gAvg === null && buf === null) {
    // The common case, without the loop-invariant branches (V8 does not unswitch loops).
    const keep = 1 - alpha;
    for (let i = 0; i < p.length; i++) {
      const grad = g[i]!;
      square[i] = alpha * square[i]! + keep * (grad * grad);
      p[i] = p[i]! - lr * (grad / (Math.sqrt(square[i]!) + eps));
    }
    return;
  }
  // PyTorch adds weightDecay·p only when weightDecay ≠ 0 (0·±∞ would make an infinite parameter NaN).
  const decay = weightDecay !== 0;
  for (let i = 0; i < p.length; i++) {
    const grad = decay ? sign * g[i]! + weightDecay * p[i]! : sign * g[i]!;
    square[i] = alpha * square[i]! + (1 - alpha) * (grad * grad);
    let variance = square[i]!;
    if (gAvg !== null) {
      gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * grad;
      variance = variance - gAvg[i]! * gAvg[i]!;
    }
    const avg = Math.sqrt(variance) + eps;
    if (buf !== null) {
      buf[i] = momentum * buf[i]! + grad / avg;
      p[i] = p[i]! - lr * buf[i]!;
    } else {
      p[i] = p[i]! - lr * (grad / avg);
    }
  }
}
