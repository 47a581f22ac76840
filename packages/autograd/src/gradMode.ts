import { formatValue, ValueError } from '@mtl/tensor';

let disabled = 0;

/** Whether ops record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return disabled === 0;
}

/**
 * Runs `fn` without recording the graph, like `torch.no_grad()`: results do not require grad.
 * Nests, and restores the mode even if `fn` throws. Async functions are not supported: the mode
 * would be restored at their first `await`.
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') {
    throw new ValueError(`noGrad: fn must be a function (noGrad(() => …)), got ${formatValue(fn)}`);
  }
  disabled++;
  try {
    return fn();
  } finally {
    disabled--;
  }
}
