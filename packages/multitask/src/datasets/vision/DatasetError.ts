import { MtlError } from '@mtl/tensor';

/**
 * Data that cannot be read or found: a malformed or truncated file, or files that are nowhere
 * the loader looked. The message names the file (or the places looked at) and how to fix it.
 */
export class DatasetError extends MtlError {
  override name = 'DatasetError';
}
