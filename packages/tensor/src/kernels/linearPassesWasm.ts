/**
 * The linear passes (`linearPasses.ts`) on the kernel module (`assembly/passes.ts`, four lanes
 * at a time; operands staged in kernel memory): the `wasm` implementation of the registry's
 * `linearPasses` kernel. It takes float32 rows whose length is a multiple of 4, of at least
 * `MIN_WASM_SIZE` elements; the others run the TypeScript loops (`linearPassesLoops.ts`), which
 * give the same values bit for bit.
 */

import { activeKernels } from '../backend/backend';
import { heapF32, heapF64, Staging } from '../backend/kernelMemory';
import { biasReluLoop, type FloatData, maskRowsLoop } from './linearPassesLoops';

/** Below this many elements the copies and the call cost more than the loop saves. */
const MIN_WASM_SIZE = 4096;
/** Above this many bytes of staging, use the loops rather than grow kernel memory for good. */
const MAX_STAGING_BYTES = 64 * 2 ** 20;

const staging = new Staging();

/** Whether the WebAssembly kernels take these operands. */
function wasmTakes(data: FloatData, rows: number, n: number): boolean {
  return data instanceof Float32Array && n % 4 === 0 && rows * n >= MIN_WASM_SIZE;
}

/** biasRelu on the kernel module where it takes the operands, else `biasReluLoop`. */
export function biasReluWasm(y: FloatData, b: FloatData | null, rows: number, n: number): void {
  const size = rows * n;
  const bytes = 4 * (size + n);
  if (wasmTakes(y, rows, n) && (b === null || b instanceof Float32Array) && bytes <= MAX_STAGING_BYTES) {
    const wasm = activeKernels();
    const base = wasm && staging.at(bytes);
    if (wasm !== undefined && base !== undefined) {
      const heap = heapF32();
      const at = base / 4;
      heap.set(y, at);
      if (b === null) heap.fill(0, at + size, at + size + n);
      else heap.set(b, at + size);
      wasm.biasRelu(base, base + 4 * size, rows, n);
      y.set(heap.subarray(at, at + size));
      return;
    }
  }
  biasReluLoop(y, b, rows, n);
}

/** maskRows on the kernel module where it takes the operands, else `maskRowsLoop`. */
export function maskRowsWasm(
  g: FloatData,
  y: FloatData,
  gm: FloatData,
  sums: Float64Array | null,
  rows: number,
  n: number,
): void {
  const size = rows * n;
  const bytes = 12 * size + 8 * n;
  if (
    wasmTakes(g, rows, n) &&
    y instanceof Float32Array &&
    gm instanceof Float32Array &&
    bytes <= MAX_STAGING_BYTES
  ) {
    const wasm = activeKernels();
    // 8-aligned for the float64 sums: the block is 64-aligned and 12·size is a multiple of 16 (n % 4 = 0).
    const base = wasm && staging.at(bytes);
    if (wasm !== undefined && base !== undefined) {
      const heap = heapF32();
      const at = base / 4;
      heap.set(g, at);
      heap.set(y, at + size);
      const sumsAt = base + 12 * size;
      if (sums !== null) heapF64().set(sums, sumsAt / 8);
      wasm.maskRows(base, base + 4 * size, base + 8 * size, sums === null ? 0 : sumsAt, rows, n);
      gm.set(heap.subarray(at + 2 * size, at + 3 * size));
      if (sums !== null) sums.set(heapF64().subarray(sumsAt / 8, sumsAt / 8 + n));
      return;
    }
  }
  maskRowsLoop(g, y, gm, sums, rows, n);
}
