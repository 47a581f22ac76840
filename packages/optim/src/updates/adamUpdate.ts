import type { FloatArray } from './FloatArray';

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: decay the parameter directly (p ·= 1 − lr·weightDecay) instead of adding L2 to g. */
  decoupled: boolean;
  /** The step number after this update (1 on the first step), for the bias corrections. */
  step: number;
}

/**
 * One Adam/AdamW step, in place, exactly as `torch.optim.Adam`/`AdamW` (1.13), with its order
 * of operations (so float64 agrees to the last bits):
 * m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², then
 * p −= (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε) — ε is added after bias-correcting v, which
 * is not the textbook θ − η·m̂/(√v̂ + ε) arrangement. amsgrad uses the running max of v.
 */
export function adamUpdate(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vMax: FloatArray | null,
  h: AdamHyper,
): void {
  const { lr, beta1, beta2, eps, weightDecay, maximize, decoupled, step } = h;
  const stepSize = lr / (1 - beta1 ** step);
  const correction2Sqrt = Math.sqrt(1 - beta2 ** step);
  const sign = maximize ? -1 : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  if (shrink === 1 && l2 === 0 && sign === 1 && vMax === null) {
    if (p instanceof Float32Array) {
      adamF32(p, g as Float32Array, m as Float32Array, v as Float32Array, stepSize, 1 / correction2Sqrt, h);
      return;
    }
    // The common case, without the loop-invariant branches below (V8 does not unswitch loops).
    for (let i = 0; i < p.length; i++) {
      const grad = g[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * grad;
      const vi = beta2 * v[i]! + (1 - beta2) * (grad * grad);
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i]! - stepSize * (m[i]! / (Math.sqrt(v[i]!) / correction2Sqrt + eps));
    }
    return;
  }
  if (p instanceof Float32Array && vMax === null) {
    adamF32Decay(
      p,
      g as Float32Array,
      m as Float32Array,
      v as Float32Array,
      stepSize,
      1 / correction2Sqrt,
      h,
    );
    return;
  }
  for (let i = 0; i < p.length; i++) {
    if (shrink !== 1) p[i] = p[i]! * shrink;
    // PyTorch adds the L2 term only when weightDecay ≠ 0 (0·±∞ would make an infinite parameter NaN).
    const grad = l2 !== 0 ? sign * g[i]! + l2 * p[i]! : sign * g[i]!;
    m[i] = beta1 * m[i]! + (1 - beta1) * grad;
    v[i] = beta2 * v[i]! + (1 - beta2) * (grad * grad);
    let second = v[i]!;
    if (vMax !== null) {
      // torch.maximum: NaN in either wins, so a NaN second moment is kept, as in PyTorch.
      if (second > vMax[i]! || Number.isNaN(second)) vMax[i] = second;
      second = vMax[i]!;
    }
    p[i] = p[i]! - stepSize * (m[i]! / (Math.sqrt(second) / correction2Sqrt + eps));
  }
}

/**
 * The common float32 case (no weight decay, maximize or amsgrad) in its own loop, so V8 compiles
 * it for Float32Array alone. `Math.fround` gives the float32 rounding of m and v that storing and
 * re-reading them would, without the reload; dividing by √(1 − β₂ᵗ) becomes a multiplication by
 * its reciprocal (one division per element instead of two: a difference in the last bit of a
 * float64 intermediate, far below float32's resolution).
 */
function adamF32(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  stepSize: number,
  invCorrection2Sqrt: number,
  h: AdamHyper,
): void {
  const { beta1, beta2, eps } = h;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const grad = g[i]!;
    const mi = Math.fround(beta1 * m[i]! + a1 * grad);
    const vi = Math.fround(beta2 * v[i]! + a2 * (grad * grad));
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! - stepSize * (mi / (Math.sqrt(vi) * invCorrection2Sqrt + eps));
  }
}

/** `adamF32` with weight decay (L2 or decoupled) and/or maximize: AdamW's float32 loop. */
function adamF32Decay(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  stepSize: number,
  invCorrection2Sqrt: number,
  h: AdamHyper,
): void {
  const { lr, beta1, beta2, eps, weightDecay, maximize, decoupled } = h;
  const sign = maximize ? -1 : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = shrink !== 1 ? Math.fround(p[i]! * shrink) : p[i]!;
    const grad = l2 !== 0 ? sign * g[i]! + l2 * pi : sign * g[i]!;
    const mi = Math.fround(beta1 * m[i]! + a1 * grad);
    const vi = Math.fround(beta2 * v[i]! + a2 * (grad * grad));
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - stepSize * (mi / (Math.sqrt(vi) * invCorrection2Sqrt + eps));
  }
}
