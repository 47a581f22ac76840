import { nodeBuiltin } from '../io/nodeBuiltin';
import { SafetensorsError } from './SafetensorsError';

/**
 * Node's `fs/promises`, imported only when a file helper runs, so that importing @mtl/nn in a
 * browser bundle never pulls it in.
 */
export async function nodeFs(op: string): Promise<typeof import('node:fs/promises')> {
  try {
    return await nodeBuiltin<typeof import('node:fs/promises')>('fs/promises');
  } catch {
    throw new SafetensorsError(
      `${op}: needs Node's fs module, which this runtime lacks — in a browser use safetensorsToBlob(...) to save and loadSafetensors(await blob.arrayBuffer()) to load`,
    );
  }
}
