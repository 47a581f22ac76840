import { MtlError } from '@mtl/tensor';

/**
 * What every weighting method throws for a bad option (unknown key, wrong value) or for a use
 * out of order (learnable state used before `init(taskNames)`, a task `init` was not given).
 */
export class WeightingError extends MtlError {
  override name = 'WeightingError';
}
