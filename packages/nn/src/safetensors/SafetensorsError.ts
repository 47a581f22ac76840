import { MtlError } from '@mtl/tensor';

/**
 * A safetensors file (or state dict to be saved) that breaks the format: truncated bytes, a bad
 * header, offsets that do not tile the data buffer, a dtype that is unknown or has no `@mtl`
 * equivalent, values that do not fit the dtype they load into. The message names the problem,
 * the tensor and the offending value.
 */
export class SafetensorsError extends MtlError {
  override name = 'SafetensorsError';
}
