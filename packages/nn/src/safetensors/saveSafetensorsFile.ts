import type { Tensor } from '@mtl/tensor';
import { nodeFs } from './nodeFs';
import { saveSafetensors } from './saveSafetensors';

/**
 * Node only: writes `saveSafetensors(stateDict, metadata)` to `path` (replacing the file), e.g.
 * `await saveSafetensorsFile('model.safetensors', model.stateDict(), { format: 'pt' })`; PyTorch
 * reads it with `safetensors.torch.load_file('model.safetensors')`.
 */
export async function saveSafetensorsFile(
  path: string | URL,
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = saveSafetensors(stateDict, metadata);
  const { writeFile } = await nodeFs('saveSafetensorsFile');
  await writeFile(path, bytes);
}
