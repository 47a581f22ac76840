import { mul, neg, squaredError as squaredErrorOp, sub, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * L = mean((a − b)²) (or the sum): ∂L/∂a = (a − b)·2g/N, ∂L/∂b = −∂L/∂a. The factor is rounded
 * as the composite's backward rounds it (g/N in the dtype, then doubled exactly), so the fused
 * loss gives the gradients of `mean(mul(d, d))` bit for bit.
 */
export const squaredError: Rule<'squaredError'> = {
  forward: ([a, b], { reduction }) => squaredErrorOp(a as Tensor, b as Tensor, { reduction }),
  backward: (g, { inputs: [a, b], params: { reduction }, needsGrad }) => {
    const x = a as Tensor;
    const perElement = reduction === 'mean' ? g.item() / x.size : g.item();
    const scale = 2 * (x.dtype === 'float32' ? Math.fround(perElement) : perElement);
    const da = mul(sub(x, b as Tensor), scale);
    return [needsGrad[0] ? da : null, needsGrad[1] ? neg(da) : null];
  },
};
