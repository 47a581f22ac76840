import type { Tensor } from '@mtl/tensor';
import { loadSafetensors } from './loadSafetensors';
import { nodeFs } from './nodeFs';

/**
 * Node only: reads a safetensors file, as `loadSafetensors` does from bytes, e.g.
 * `model.loadStateDict(await loadSafetensorsFile('model.safetensors'))` for a file written by
 * `safetensors.torch.save_file(model.state_dict(), 'model.safetensors')`. For the metadata, read
 * the bytes yourself and call `readSafetensorsHeader(bytes).metadata`.
 */
export async function loadSafetensorsFile(path: string | URL): Promise<Record<string, Tensor>> {
  const { readFile } = await nodeFs('loadSafetensorsFile');
  return loadSafetensors(await readFile(path));
}
