import { MtlError } from '@mtl/tensor';

/**
 * A checkpoint that cannot be read back: a damaged or truncated file, one that is not a trainer
 * checkpoint, or state that does not fit this trainer. The message names the file (or call) and
 * what is wrong; the trainer that tried to load it is left as it was.
 */
export class CheckpointError extends MtlError {
  override name = 'CheckpointError';
}
