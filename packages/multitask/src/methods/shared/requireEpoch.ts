import type { BackwardContext } from '../WeightingMethod';
import { WeightingError } from './WeightingError';

/**
 * The epoch of the context, checked: a non-negative integer, and not before the last one seen
 * (an epoch-level method's history would otherwise mix two runs).
 */
export function requireEpoch(name: string, context: BackwardContext, lastEpoch: number | null): number {
  const { epoch } = context;
  if (epoch === undefined) {
    throw new WeightingError(
      `${name}: needs the epoch — pass { shared, epoch } to backward (0-based; the Trainer does this)`,
    );
  }
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new WeightingError(`${name}: epoch must be an integer >= 0, got ${String(epoch)}`);
  }
  if (lastEpoch !== null && epoch < lastEpoch) {
    throw new WeightingError(
      `${name}: the epoch went back from ${lastEpoch} to ${epoch}; call reset() before starting a new run`,
    );
  }
  return epoch;
}
