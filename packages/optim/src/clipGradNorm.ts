import { checkOptionsObject, formatValue } from '@mtl/tensor';
import { OptimError } from './OptimError';

import type { ParameterLike } from './ParameterLike';
import { gradientsOf, isBoolean } from './validate';

export interface ClipGradNormOptions {
  /** The order of the norm: 2 (default), 1, Infinity, or any p > 0. */
  normType?: number;
  /**
   * Throw an OptimError when the total norm is NaN or ±Infinity, instead of scaling the gradients
   * by it. Default false, as in PyTorch 1.13.
   */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their global norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_` (1.13): the norm is taken over every gradient as one vector
 * (normType 2, 1, Infinity, or any p > 0), and every gradient is multiplied by
 * min(1, maxNorm / (norm + 1e-6)). Returns the norm before clipping. Parameters without a
 * gradient are skipped; `params` may also be one parameter.
 *
 * A non-finite norm is scaled by as PyTorch does: a NaN gradient element makes the norm NaN and
 * every gradient NaN; an infinite element makes the norm Infinity and the gradients 0 (the
 * infinite elements NaN). With `errorIfNonfinite: true` it throws instead, before changing anything.
 */
export function clipGradNorm(
  params: Iterable<ParameterLike> | ParameterLike,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  const where = 'clipGradNorm';
  const grads = gradientsOf(where, params).map((g) => g.data);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new OptimError(`${where}: maxNorm must be a number ≥ 0 (such as 1.0), got ${formatValue(maxNorm)}`);
  }
  const given = checkOptionsObject(where, options, ['normType', 'errorIfNonfinite'], {
    example: '{ normType: 2 }',
    ErrorType: OptimError,
  });
  const { normType = 2, errorIfNonfinite = false } = given as ClipGradNormOptions;
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new OptimError(
      `${where}: normType must be a positive number or Infinity (2 for the Euclidean norm), got ${formatValue(normType)}`,
    );
  }
  isBoolean(where, 'errorIfNonfinite', errorIfNonfinite);
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
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new OptimError(
      `${where}: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped — find where the NaN or infinite gradients come from (a learning rate too high, a log or division by 0…), or pass errorIfNonfinite: false to scale them by the non-finite norm as PyTorch does`,
    );
  }
  // PyTorch multiplies by clamp(coefficient, max=1): a NaN coefficient (NaN norm) makes every
  // gradient NaN, and 0 (infinite norm) zeroes them. Multiplying by exactly 1 changes nothing.
  const coefficient = maxNorm / (total + 1e-6);
  if (!(coefficient >= 1)) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coefficient;
  }
  return total;
}
