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
  disabled++;
  try {
    return fn();
  } finally {
    disabled--;
  }
}
