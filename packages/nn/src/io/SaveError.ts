import { MtlError } from '@mtl/tensor';

/**
 * A file could not be written (no space left, no permission, a missing folder…). The message
 * names the call, the file and the system's reason; the file that was there before is unchanged.
 */
export class SaveError extends MtlError {
  override name = 'SaveError';
}
