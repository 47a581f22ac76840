import { formatValue } from '@mtl/tensor';
import { OptimError } from './OptimError';

import type { ParameterLike } from './ParameterLike';
import { gradientsOf } from './validate';

/**
 * Clamps every gradient element to [−clipValue, clipValue], in place, as `clip_grad_value_`:
 * ±Infinity become ±clipValue and NaN stays NaN, as in PyTorch. `params` may also be one parameter.
 */
export function clipGradValue(params: Iterable<ParameterLike> | ParameterLike, clipValue: number): void {
  const grads = gradientsOf('clipGradValue', params);
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new OptimError(
      `clipGradValue: clipValue must be a number ≥ 0 (such as 1.0), got ${formatValue(clipValue)}`,
    );
  }
  for (const { data: g } of grads) {
    for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i]!, -clipValue), clipValue);
  }
}
