import type { Tensor } from '@mtl/tensor';
import { saveSafetensors } from './saveSafetensors';

/**
 * `saveSafetensors(stateDict, metadata)` as a Blob, for a browser download:
 *
 * ```ts
 * const url = URL.createObjectURL(safetensorsToBlob(model.stateDict()));
 * Object.assign(document.createElement('a'), { href: url, download: 'model.safetensors' }).click();
 * ```
 *
 * The way back is `loadSafetensors(await blob.arrayBuffer())` (a File from an
 * `<input type="file">` is a Blob), or `loadSafetensors(await (await fetch(url)).arrayBuffer())`.
 */
export function safetensorsToBlob(
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Blob {
  return new Blob([saveSafetensors(stateDict, metadata)], { type: 'application/octet-stream' });
}
