import { MtlError } from '@mtl/tensor';

/** A bad hyperparameter, parameter group or state dict. */
export class OptimError extends MtlError {
  override name = 'OptimError';
}
