import { OptimError } from './OptimError';
import type { ParameterLike } from './ParameterLike';

/** Clamps every gradient element to [−clipValue, clipValue], in place, as `clip_grad_value_`. */
export function clipGradValue(params: Iterable<ParameterLike>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new OptimError(`clipGradValue: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  }
  for (const p of params) {
    const g = p.grad?.data;
    if (g === undefined) continue;
    for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i]!, -clipValue), clipValue);
  }
}
