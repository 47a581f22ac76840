import type { Tensor } from '@mtl/tensor';
import { writeFileAtomic } from '../io/writeFileAtomic';
import { saveSafetensors } from './saveSafetensors';

/**
 * Node only: writes `saveSafetensors(stateDict, metadata)` to `path`, e.g.
 * `await saveSafetensorsFile('model.safetensors', model.stateDict(), { format: 'pt' })`; PyTorch
 * reads it with `safetensors.torch.load_file('model.safetensors')`. The file is replaced
 * atomically: a crash or a full disk during the save leaves the previous file as it was (and a
 * `SaveError` says why the write failed).
 */
export async function saveSafetensorsFile(
  path: string | URL,
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = saveSafetensors(stateDict, metadata);
  await writeFileAtomic(path, bytes, { op: 'saveSafetensorsFile' });
}
