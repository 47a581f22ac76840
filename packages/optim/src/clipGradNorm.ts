import { OptimError } from './OptimError';
import type { ParameterLike } from './ParameterLike';

/**
 * Scales all gradients together so that their global norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_`: the norm is taken over every gradient as one vector
 * (normType 2, 1, Infinity, or any p > 0), and the scale is maxNorm / (norm + 1e-6), applied
 * only when below 1. Returns the norm before clipping. Parameters without a gradient are skipped.
 */
export function clipGradNorm(
  params: Iterable<ParameterLike>,
  maxNorm: number,
  { normType = 2 }: { normType?: number } = {},
): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new OptimError(`clipGradNorm: maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new OptimError(
      `clipGradNorm: normType must be a positive number or Infinity, got ${String(normType)}`,
    );
  }
  const grads = [...params].flatMap((p) => (p.grad === null ? [] : [p.grad.data]));
  let total = 0;
  if (normType === Number.POSITIVE_INFINITY) {
    for (const g of grads) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]!));
  } else {
    // Each tensor's norm first, then the norm of those norms, as PyTorch computes it.
    for (const g of grads) {
      let s = 0;
      for (let i = 0; i < g.length; i++) s += Math.abs(g[i]!) ** normType;
      total += (s ** (1 / normType)) ** normType;
    }
    total = total ** (1 / normType);
  }
  const coefficient = maxNorm / (total + 1e-6);
  if (coefficient < 1) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coefficient;
  }
  return total;
}
