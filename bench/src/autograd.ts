/**
 * Autograd overhead: the forward and the backward pass of a matmul chain, timed separately.
 * Backward of C = A·B is two matmuls of the same size (∂A = G·Bᵀ, ∂B = Aᵀ·G), so a backward
 * pass that costs about 2× its forward means no dense Jacobians and no per-element closures.
 */
import { matmul, mul, Parameter, sum, type Variable } from '@mtl/autograd';
import { Generator, randn } from '@mtl/tensor';
import { median } from './harness';

export interface ChainResult {
  name: string;
  forwardMs: number;
  backwardMs: number;
  ratio: number;
}

/** x [m×k] through `layers` weights [k×k]; the loss is sum(out · R). */
export function matmulChain(m: number, k: number, layers: number, samples = 9): ChainResult {
  const g = new Generator(1);
  const x = randn([m, k], { generator: g });
  const weights = Array.from(
    { length: layers },
    () => new Parameter(randn([k, k], { generator: g }).mul(1 / Math.sqrt(k))),
  );
  const r = randn([m, k], { generator: g });
  const forward = () => {
    let h: Variable = matmul(x, weights[0]!);
    for (const w of weights.slice(1)) h = matmul(h, w);
    return sum(mul(h, r));
  };
  const forwardTimes: number[] = [];
  const backwardTimes: number[] = [];
  for (let i = 0; i < samples + 2; i++) {
    const t0 = performance.now();
    const loss = forward();
    const t1 = performance.now();
    loss.backward();
    const t2 = performance.now();
    for (const w of weights) w.zeroGrad();
    if (i >= 2) {
      forwardTimes.push(t1 - t0);
      backwardTimes.push(t2 - t1);
    }
  }
  const forwardMs = median(forwardTimes);
  const backwardMs = median(backwardTimes);
  return { name: `${m}×${k}·(${k}×${k})×${layers}`, forwardMs, backwardMs, ratio: backwardMs / forwardMs };
}
