import { matmulThreads } from '../kernels/matmulThreads';
import { backend, kernelVariant } from './backend';
import { memoryMode } from './kernelMemory';
import type { KernelVariant } from './kernelModule';

/** What runs the kernels here: for logs, benchmark reports and bug reports. */
export interface BackendInfo {
  /** `'wasm'` when the WebAssembly kernels run (requested and available), else `'js'`. */
  backend: 'wasm' | 'js';
  /** The kernel build that runs (`'relaxed-simd'`: with FMA), or `'js'`. */
  variant: KernelVariant | 'js';
  /** Threads large products use (1 or 2). */
  threads: 1 | 2;
  /** `'shared'`: tensors can live in kernel storage; `'private'`: operands are copied in; `'none'`: no kernels. */
  storage: 'shared' | 'private' | 'none';
}

/** The backend, kernel variant, threads and storage of this JS realm. */
export function backendInfo(): BackendInfo {
  const b = backend();
  return {
    backend: b,
    variant: b === 'wasm' ? (kernelVariant() ?? 'js') : 'js',
    threads: matmulThreads(),
    storage: b === 'wasm' ? memoryMode() : 'none',
  };
}
