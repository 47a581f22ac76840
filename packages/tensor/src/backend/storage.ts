/**
 * Kernel storage for tensors: float32 data in the kernel memory, where the WebAssembly kernels
 * read and update it in place, like a tensor on a device in PyTorch. A parameter is placed there
 * once, when it is made (`nn`'s `Parameter` does this), and optimizer state is made there; the
 * tensor object and its `data` array never change afterwards, so a tensor taken from a
 * parameter keeps following it. Where kernel storage is unavailable (no WebAssembly SIMD, no
 * shared memory, the memory full), these give ordinary tensors and everything still works, on
 * copies instead.
 */

import { checkInteger } from '../checks';
import { DTypeError, formatValue } from '../errors';
import { Tensor } from '../Tensor';
import { requireShape, requireSize, requireTensor } from '../validate';
import { allocateStorage, inKernelMemory, kernelMemory, memoryMode, storageView } from './kernelMemory';

/** A copy of `t` in kernel storage when it is float32 and storage is available; else a plain copy. */
export function copyToKernelStorage(t: Tensor): Tensor {
  requireTensor('copyToKernelStorage', 't', t);
  if (t.dtype === 'float32') {
    const data = allocateStorage(t.size);
    if (data !== undefined) {
      data.set(t.data as Float32Array);
      return new Tensor(data, t.shape, 'float32');
    }
  }
  return new Tensor(t.data.slice(), t.shape, t.dtype);
}

/** Whether `t`'s data lives in kernel storage. */
export function isInKernelStorage(t: Tensor): boolean {
  requireTensor('isInKernelStorage', 't', t);
  return inKernelMemory(t.data);
}

/** float32 zeros of `shape` in kernel storage where available, else on the JS heap. */
export function kernelStorageZeros(shape: readonly number[]): Tensor {
  const dims = requireShape('kernelStorageZeros', 'shape', shape);
  const size = requireSize('kernelStorageZeros', dims);
  const data = allocateStorage(size) ?? new Float32Array(size);
  return new Tensor(data, dims, 'float32');
}

/**
 * A view of `length` elements of `owner` from `offset` — for several tensors sharing one block of
 * kernel storage (e.g. stacked layers). Kernel storage is freed when the array it handed out is
 * garbage-collected, and a plain `subarray` does not keep that array alive: a view made here
 * does, and the kernels work on it in place. For a JS-heap `owner`, a plain `subarray`.
 */
export function kernelStorageView(owner: Float32Array, offset: number, length: number): Float32Array {
  if (!(owner instanceof Float32Array)) {
    throw new DTypeError(`kernelStorageView: owner must be a Float32Array — got ${formatValue(owner)}`);
  }
  checkInteger('kernelStorageView', 'offset', offset, { min: 0, max: owner.length });
  checkInteger('kernelStorageView', 'length', length, { min: 0, max: owner.length - offset });
  return storageView(owner, offset, length);
}

/** Whether kernel storage exists here (WebAssembly SIMD and shared memory); it can still be full. */
export function kernelStorageAvailable(): boolean {
  return (
    kernelMemory() !== undefined && memoryMode() === 'shared' && typeof FinalizationRegistry === 'function'
  );
}
