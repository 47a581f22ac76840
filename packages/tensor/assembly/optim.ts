/**
 * float32 optimizer updates in WebAssembly SIMD (AssemblyScript), part of the kernel module
 * (`index.ts`).
 *
 * Each function updates `n` elements in place, all float32 in linear memory: `g` is a chunk of
 * the gradient that the TypeScript side (`src/kernels/optimizerUpdatesWasm.ts`) copied into a
 * cache-resident scratch area, and the parameter `p` and the state buffers (`m`, `v`, …) live
 * in this memory for good (kernel storage), so each element crosses main memory only as often as
 * the update needs. The
 * arithmetic follows @mtl/optim's `src/updates/*.ts` (PyTorch 1.13's order of operations), in float32 as
 * PyTorch computes float32 tensors, with `f32x4.mul` + `f32x4.add` in every build (an FMA would
 * change the rounding and buy nothing: the updates are bound by memory traffic). As in PyTorch, the weight-decay term is added only when the weight
 * decay is not 0 (0 · ±∞ would be NaN), so infinities and NaN come out as on the TypeScript path.
 * Pointers are 16-byte aligned; a scalar loop finishes the tail. The
 * common case (no L2 term, minimizing) has its own loop, two vectors per iteration: the updates
 * with a square root and a division are close to compute-bound, and the saved products and loop
 * overhead show (RMSprop ≈ 20% less time per element in cache).
 *
 *
 * Written without decorators so that it also parses as plain TypeScript for the linter.
 */

/**
 * Adam/AdamW (see `adamUpdate`): p ·= shrink; d = sign·g (+ l2·p when l2 ≠ 0); m = β₁m + a1·d;
 * v = β₂v + a2·d²; p −= (stepSize · m) / (√v · invC2 + ε), where invC2 = 1/√(1 − β₂ᵗ) and the
 * caller computes a1 = 1 − β₁ and a2 = 1 − β₂ in float64 (as PyTorch does: 1 − β₂ in float32
 * would be off by ~1e-5 relative for β₂ = 0.999). `(stepSize · m) / denom` is PyTorch's `addcdiv`
 * order.
 */
export function adam(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  beta1: f32,
  beta2: f32,
  a1: f32,
  a2: f32,
  stepSize: f32,
  invC2: f32,
  eps: f32,
  shrink: f32,
  l2: f32,
  sign: f32,
): void {
  const vb1 = f32x4.splat(beta1);
  const vb2 = f32x4.splat(beta2);
  const va1 = f32x4.splat(a1);
  const va2 = f32x4.splat(a2);
  const vStep = f32x4.splat(stepSize);
  const vInv = f32x4.splat(invC2);
  const vEps = f32x4.splat(eps);
  const vShrink = f32x4.splat(shrink);
  const vL2 = f32x4.splat(l2);
  const vSign = f32x4.splat(sign);
  // PyTorch adds the L2 term only when weightDecay ≠ 0: 0 · p would turn an infinite parameter
  // into NaN. (AdamW's shrink is always applied, as PyTorch multiplies by 1 − lr·wd regardless.)
  const decay = l2 !== f32(0);
  const end = n & ~3;
  let i = 0;
  if (!decay && sign === f32(1)) {
    // The common case (no L2 term, minimizing; AdamW's decay is the shrink) skips two products and
    // handles two vectors per iteration: the loop is close to compute-bound on sqrt and div.
    const end2 = n & ~7;
    for (; i < end2; i += 8) {
      const o: usize = (<usize>i) << 2;
      const d0 = v128.load(g + o);
      const d1 = v128.load(g + o, 16);
      const m0 = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(va1, d0));
      const m1 = f32x4.add(f32x4.mul(vb1, v128.load(m + o, 16)), f32x4.mul(va1, d1));
      const v0 = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(va2, f32x4.mul(d0, d0)));
      const v1 = f32x4.add(f32x4.mul(vb2, v128.load(v + o, 16)), f32x4.mul(va2, f32x4.mul(d1, d1)));
      v128.store(m + o, m0);
      v128.store(m + o, m1, 16);
      v128.store(v + o, v0);
      v128.store(v + o, v1, 16);
      const q0 = f32x4.div(f32x4.mul(vStep, m0), f32x4.add(f32x4.mul(f32x4.sqrt(v0), vInv), vEps));
      const q1 = f32x4.div(f32x4.mul(vStep, m1), f32x4.add(f32x4.mul(f32x4.sqrt(v1), vInv), vEps));
      v128.store(p + o, f32x4.sub(f32x4.mul(v128.load(p + o), vShrink), q0));
      v128.store(p + o, f32x4.sub(f32x4.mul(v128.load(p + o, 16), vShrink), q1), 16);
    }
  }
  if (decay) {
    for (; i < end; i += 4) {
      const o: usize = (<usize>i) << 2;
      const pi = f32x4.mul(v128.load(p + o), vShrink);
      const d = f32x4.add(f32x4.mul(vSign, v128.load(g + o)), f32x4.mul(vL2, pi));
      const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(va1, d));
      const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(va2, f32x4.mul(d, d)));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), vInv), vEps);
      v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(vStep, mi), denom)));
    }
  } else {
    for (; i < end; i += 4) {
      const o: usize = (<usize>i) << 2;
      const pi = f32x4.mul(v128.load(p + o), vShrink);
      const d = f32x4.mul(vSign, v128.load(g + o));
      const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(va1, d));
      const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(va2, f32x4.mul(d, d)));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), vInv), vEps);
      v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(vStep, mi), denom)));
    }
  }
  for (; i < n; i++) {
    const o: usize = (<usize>i) << 2;
    const pi = load<f32>(p + o) * shrink;
    const d = decay ? sign * load<f32>(g + o) + l2 * pi : sign * load<f32>(g + o);
    const mi = beta1 * load<f32>(m + o) + a1 * d;
    const vi = beta2 * load<f32>(v + o) + a2 * (d * d);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, pi - (stepSize * mi) / (Mathf.sqrt(vi) * invC2 + eps));
  }
}

/**
 * SGD with momentum after the first step, no Nesterov (see `sgdUpdate`): d = sign·g (+ wd·p when
 * wd ≠ 0);
 * buf = μ·buf + (1 − dampening)·d; p −= lr·buf.
 */
export function sgdMomentum(
  p: usize,
  g: usize,
  buf: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  keep: f32,
  weightDecay: f32,
  sign: f32,
): void {
  const vLr = f32x4.splat(lr);
  const vMom = f32x4.splat(momentum);
  const vKeep = f32x4.splat(keep);
  const vWd = f32x4.splat(weightDecay);
  const vSign = f32x4.splat(sign);
  // PyTorch adds weightDecay · p only when weightDecay ≠ 0: 0 · p would turn an infinite
  // parameter into NaN.
  const decay = weightDecay !== f32(0);
  const end = n & ~3;
  let i = 0;
  if (!decay && sign === f32(1)) {
    // The common case: d = g, two vectors per iteration.
    const end2 = n & ~7;
    for (; i < end2; i += 8) {
      const o: usize = (<usize>i) << 2;
      const b0 = f32x4.add(f32x4.mul(vMom, v128.load(buf + o)), f32x4.mul(vKeep, v128.load(g + o)));
      const b1 = f32x4.add(f32x4.mul(vMom, v128.load(buf + o, 16)), f32x4.mul(vKeep, v128.load(g + o, 16)));
      v128.store(buf + o, b0);
      v128.store(buf + o, b1, 16);
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vLr, b0)));
      v128.store(p + o, f32x4.sub(v128.load(p + o, 16), f32x4.mul(vLr, b1)), 16);
    }
  }
  for (; i < end; i += 4) {
    const o: usize = (<usize>i) << 2;
    const pi = v128.load(p + o);
    const sg = f32x4.mul(vSign, v128.load(g + o));
    const d = decay ? f32x4.add(sg, f32x4.mul(vWd, pi)) : sg;
    const b = f32x4.add(f32x4.mul(vMom, v128.load(buf + o)), f32x4.mul(vKeep, d));
    v128.store(buf + o, b);
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(vLr, b)));
  }
  for (; i < n; i++) {
    const o: usize = (<usize>i) << 2;
    const pi = load<f32>(p + o);
    const d = decay ? sign * load<f32>(g + o) + weightDecay * pi : sign * load<f32>(g + o);
    const b = momentum * load<f32>(buf + o) + keep * d;
    store<f32>(buf + o, b);
    store<f32>(p + o, pi - lr * b);
  }
}

/**
 * RMSprop without centering or momentum (see `rmspropUpdate`): d = sign·g (+ wd·p when wd ≠ 0);
 * s = αs + keep·d²; p −= lr · d / (√s + ε), with keep = 1 − α computed by the caller in float64.
 */
export function rmsprop(
  p: usize,
  g: usize,
  square: usize,
  n: i32,
  lr: f32,
  alpha: f32,
  keep: f32,
  eps: f32,
  weightDecay: f32,
  sign: f32,
): void {
  const vLr = f32x4.splat(lr);
  const vAlpha = f32x4.splat(alpha);
  const vKeep = f32x4.splat(keep);
  const vEps = f32x4.splat(eps);
  const vWd = f32x4.splat(weightDecay);
  const vSign = f32x4.splat(sign);
  // PyTorch adds weightDecay · p only when weightDecay ≠ 0: 0 · p would turn an infinite
  // parameter into NaN.
  const decay = weightDecay !== f32(0);
  const end = n & ~3;
  let i = 0;
  if (!decay && sign === f32(1)) {
    // The common case: d = g, two vectors per iteration (the loop is close to compute-bound).
    const end2 = n & ~7;
    for (; i < end2; i += 8) {
      const o: usize = (<usize>i) << 2;
      const d0 = v128.load(g + o);
      const d1 = v128.load(g + o, 16);
      const s0 = f32x4.add(f32x4.mul(vAlpha, v128.load(square + o)), f32x4.mul(vKeep, f32x4.mul(d0, d0)));
      const s1 = f32x4.add(f32x4.mul(vAlpha, v128.load(square + o, 16)), f32x4.mul(vKeep, f32x4.mul(d1, d1)));
      v128.store(square + o, s0);
      v128.store(square + o, s1, 16);
      const q0 = f32x4.mul(vLr, f32x4.div(d0, f32x4.add(f32x4.sqrt(s0), vEps)));
      const q1 = f32x4.mul(vLr, f32x4.div(d1, f32x4.add(f32x4.sqrt(s1), vEps)));
      v128.store(p + o, f32x4.sub(v128.load(p + o), q0));
      v128.store(p + o, f32x4.sub(v128.load(p + o, 16), q1), 16);
    }
  }
  for (; i < end; i += 4) {
    const o: usize = (<usize>i) << 2;
    const pi = v128.load(p + o);
    const sg = f32x4.mul(vSign, v128.load(g + o));
    const d = decay ? f32x4.add(sg, f32x4.mul(vWd, pi)) : sg;
    const s = f32x4.add(f32x4.mul(vAlpha, v128.load(square + o)), f32x4.mul(vKeep, f32x4.mul(d, d)));
    v128.store(square + o, s);
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(vLr, f32x4.div(d, f32x4.add(f32x4.sqrt(s), vEps)))));
  }
  for (; i < n; i++) {
    const o: usize = (<usize>i) << 2;
    const pi = load<f32>(p + o);
    const d = decay ? sign * load<f32>(g + o) + weightDecay * pi : sign * load<f32>(g + o);
    const s = alpha * load<f32>(square + o) + keep * (d * d);
    store<f32>(square + o, s);
    store<f32>(p + o, pi - lr * (d / (Mathf.sqrt(s) + eps)));
  }
}

/**
 * Adagrad (see `adagradUpdate`): d = sign·g (+ wd·p when wd ≠ 0); sum += d²; p −= clr · d / (√sum + ε).
 */
export function adagrad(
  p: usize,
  g: usize,
  sum: usize,
  n: i32,
  clr: f32,
  eps: f32,
  weightDecay: f32,
  sign: f32,
): void {
  const vClr = f32x4.splat(clr);
  const vEps = f32x4.splat(eps);
  const vWd = f32x4.splat(weightDecay);
  const vSign = f32x4.splat(sign);
  // PyTorch adds weightDecay · p only when weightDecay ≠ 0: 0 · p would turn an infinite
  // parameter into NaN.
  const decay = weightDecay !== f32(0);
  const end = n & ~3;
  let i = 0;
  if (!decay && sign === f32(1)) {
    // The common case: d = g, two vectors per iteration (the loop is close to compute-bound).
    const end2 = n & ~7;
    for (; i < end2; i += 8) {
      const o: usize = (<usize>i) << 2;
      const d0 = v128.load(g + o);
      const d1 = v128.load(g + o, 16);
      const s0 = f32x4.add(v128.load(sum + o), f32x4.mul(d0, d0));
      const s1 = f32x4.add(v128.load(sum + o, 16), f32x4.mul(d1, d1));
      v128.store(sum + o, s0);
      v128.store(sum + o, s1, 16);
      const q0 = f32x4.mul(vClr, f32x4.div(d0, f32x4.add(f32x4.sqrt(s0), vEps)));
      const q1 = f32x4.mul(vClr, f32x4.div(d1, f32x4.add(f32x4.sqrt(s1), vEps)));
      v128.store(p + o, f32x4.sub(v128.load(p + o), q0));
      v128.store(p + o, f32x4.sub(v128.load(p + o, 16), q1), 16);
    }
  }
  for (; i < end; i += 4) {
    const o: usize = (<usize>i) << 2;
    const pi = v128.load(p + o);
    const sg = f32x4.mul(vSign, v128.load(g + o));
    const d = decay ? f32x4.add(sg, f32x4.mul(vWd, pi)) : sg;
    const s = f32x4.add(v128.load(sum + o), f32x4.mul(d, d));
    v128.store(sum + o, s);
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(vClr, f32x4.div(d, f32x4.add(f32x4.sqrt(s), vEps)))));
  }
  for (; i < n; i++) {
    const o: usize = (<usize>i) << 2;
    const pi = load<f32>(p + o);
    const d = decay ? sign * load<f32>(g + o) + weightDecay * pi : sign * load<f32>(g + o);
    const s = load<f32>(sum + o) + d * d;
    store<f32>(sum + o, s);
    store<f32>(p + o, pi - clr * (d / (Mathf.sqrt(s) + eps)));
  }
}
