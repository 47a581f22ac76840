import { mean, sum, type Variable } from '@mtl/autograd';

import { formatValue, ValueError } from '@mtl/tensor';

/** How a loss combines its per-element values, as PyTorch's `reduction`. */
export type Reduction = 'mean' | 'sum' | 'none';

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/**
 * Checks a `reduction` option against the names `loss` accepts, so that a typo fails loudly
 * instead of falling through to some default.
 */
export function checkReduction<R extends string>(
  loss: string,
  reduction: unknown,
  allowed: readonly R[] = REDUCTIONS as unknown as readonly R[],
): R {
  if (typeof reduction !== 'string' || !(allowed as readonly string[]).includes(reduction)) {
    const names = allowed.map((r) => `'${r}'`);
    const list = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    const got = typeof reduction === 'string' ? `'${reduction}'` : formatValue(reduction);
    throw new ValueError(`${loss}: unknown reduction ${got} (expected ${list})`);
  }
  return reduction as R;
}

/** Applies a checked reduction to per-element losses: their mean, their sum, or them unchanged. */
export function reduce(losses: Variable, reduction: Reduction): Variable {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? sum(losses) : mean(losses);
}
