/**
 * The convolution and pooling passes on the kernel module (`assembly/conv.ts`): the `wasm`
 * implementations of the registry's `im2col`, `col2im` and `maxPool` kernels, with the contracts
 * of the TypeScript loops (`im2col.ts`, `pool.ts`) and the same values bit for bit. They take
 * float32 operands; a column matrix must already be in kernel memory (the conv op keeps its
 * scratch there, so the product reads it in place), the images are staged. Anything else, or
 * when staging cannot grow, runs the loops.
 */

import { activeKernels } from '../backend/backend';
import { heapF32, heapI32, inKernelMemory, Staging } from '../backend/kernelMemory';
import type { KernelExports } from '../backend/kernelModule';
import type { Planes, Window } from '../ops/window';
import { col2im, type FloatArray, im2col } from './im2col';
import { maxPool } from './pool';

/** Above this many bytes of staging, use the loops rather than grow kernel memory for good. */
const MAX_STAGING_BYTES = 256 * 2 ** 20;

const staging = new Staging();
const GEOMETRY_WORDS = 16;

/** Writes the geometry block `assembly/conv.ts` reads at `at` (bytes). */
function writeGeometry(at: number, p: Planes, win: Window, outH: number, outW: number): void {
  const words = heapI32();
  const i = at / 4;
  words[i] = win.kH;
  words[i + 1] = win.kW;
  words[i + 2] = win.strideH;
  words[i + 3] = win.strideW;
  words[i + 4] = win.dilationH;
  words[i + 5] = win.dilationW;
  words[i + 6] = win.padTop;
  words[i + 7] = win.padLeft;
  words[i + 8] = p.height;
  words[i + 9] = p.width;
  words[i + 10] = outH;
  words[i + 11] = outW;
  words[i + 12] = p.channels;
  words[i + 13] = p.batch;
}

/** The kernel module and a staging block of `bytes` (+ the geometry), or undefined for the loops. */
function stage(bytes: number): { wasm: KernelExports; base: number; geo: number } | undefined {
  if (bytes > MAX_STAGING_BYTES) return undefined;
  const wasm = activeKernels();
  const base = wasm && staging.at(bytes + 4 * GEOMETRY_WORDS);
  if (wasm === undefined || base === undefined) return undefined;
  return { wasm, base, geo: base + bytes };
}

/** `im2col` on the kernel module where it takes the operands (every channel, cols in kernel memory). */
export function im2colWasm(
  x: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  c0: number,
  channels: number,
  cols: FloatArray,
): void {
  if (
    x instanceof Float32Array &&
    cols instanceof Float32Array &&
    c0 === 0 &&
    channels === p.channels &&
    inKernelMemory(cols)
  ) {
    const inPlace = inKernelMemory(x);
    const run = stage(inPlace ? 0 : 4 * x.length);
    if (run !== undefined) {
      if (!inPlace) heapF32().set(x, run.base / 4);
      writeGeometry(run.geo, p, win, outH, outW);
      run.wasm.im2col(inPlace ? x.byteOffset : run.base, cols.byteOffset, run.geo);
      return;
    }
  }
  im2col(x, p, win, outH, outW, c0, channels, cols);
}

/** `col2im` on the kernel module where it takes the operands (every channel, cols in kernel memory). */
export function col2imWasm(
  cols: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  c0: number,
  channels: number,
  dx: FloatArray,
): void {
  if (
    dx instanceof Float32Array &&
    cols instanceof Float32Array &&
    c0 === 0 &&
    channels === p.channels &&
    inKernelMemory(cols)
  ) {
    const run = stage(4 * dx.length);
    if (run !== undefined) {
      const heap = heapF32();
      const at = run.base / 4;
      heap.set(dx, at);
      writeGeometry(run.geo, p, win, outH, outW);
      run.wasm.col2im(cols.byteOffset, run.base, run.geo);
      dx.set(heap.subarray(at, at + dx.length));
      return;
    }
  }
  col2im(cols, p, win, outH, outW, c0, channels, dx);
}

/** `maxPool` on the kernel module for float32. */
export function maxPoolWasm(
  x: FloatArray,
  p: Planes,
  win: Window,
  outH: number,
  outW: number,
  out: FloatArray,
  indices: Int32Array,
): void {
  if (x instanceof Float32Array && out instanceof Float32Array) {
    const inBytes = 4 * x.length;
    const outBytes = 4 * out.length;
    const run = stage(inBytes + 2 * outBytes);
    if (run !== undefined) {
      const { wasm, base, geo } = run;
      heapF32().set(x, base / 4);
      writeGeometry(geo, p, win, outH, outW);
      wasm.maxPool(base, base + inBytes, base + inBytes + outBytes, geo);
      out.set(heapF32().subarray((base + inBytes) / 4, (base + inBytes) / 4 + out.length));
      indices.set(
        heapI32().subarray((base + inBytes + outBytes) / 4, (base + inBytes + outBytes) / 4 + out.length),
      );
      return;
    }
  }
  maxPool(x, p, win, outH, outW, out, indices);
}
