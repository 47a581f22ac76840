/**
 * Two small helpers for the @mtl packages' embedded WebAssembly kernels (matmul here,
 * linearRelu's passes in @mtl/autograd), which copy their operands into a module's linear memory
 * and lay them out there themselves.
 */

import { formatValue, ValueError } from '../errors';
import { requireNumber } from '../validate';

const PAGE = 65536;

/**
 * Grows `memory` until its buffer holds at least `bytes` bytes. Returns true if it does (already
 * or now), false, having changed nothing, if it cannot grow that far (past its maximum, or the
 * engine is out of memory): callers then run their TypeScript loops on the JS heap instead of
 * throwing. After a true return, views made on the old `memory.buffer` are detached: remake them.
 */
export function growMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new ValueError(`growMemory: memory must be a WebAssembly.Memory — got ${formatValue(memory)}`);
  }
  requireNumber('growMemory', 'bytes', bytes, { min: 0 });
  const have = memory.buffer.byteLength;
  if (have >= bytes) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}

/**
 * Rounds a byte address up to a multiple of `multiple` (default 64, a cache line). Plain
 * arithmetic rather than bit masks, so addresses may pass 2^31.
 */
export function alignBytes(address: number, multiple = 64): number {
  requireNumber('alignBytes', 'address', address, { finite: true, min: 0 });
  requireNumber('alignBytes', 'multiple', multiple, { finite: true, min: 1 });
  return Math.ceil(address / multiple) * multiple;
}
