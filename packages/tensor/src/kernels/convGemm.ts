/**
 * A float32 convolution (one group) as one product on the kernel module whose B operand, im2col's
 * column matrix, is packed for the micro-kernel straight from the staged input, block by block
 * (`gemmIm2col`, `assembly/convGemm.ts`): the column matrix is never written, nor read back to be
 * packed, and the product lands in the output's layout, the bias added in one pass over it. At
 * stride 1 the input is zero-padded first, so that the packer needs no bounds checks.
 *
 * The `wasm` implementation of the registry's `convGemm` kernel: it returns false, having done
 * nothing, where it does not apply (the op then runs `im2col` and the product). It leaves to them
 * the products that the 2-thread matmul would share (`matmulThreads.ts`), which this path, on one
 * thread, would run slower. The product's sums are those of `im2col` + `matmul` (same k-blocks,
 * same order): the same bits.
 */

import { activeKernels } from '../backend/backend';
import { heapF32, heapI32, inKernelMemory, Staging } from '../backend/kernelMemory';
import type { Planes, Window } from '../ops/window';
import type { FloatArray } from './im2col';
import { matmulThreads, THREAD_MIN_WORK } from './matmulThreads';
import { gemmScratch } from './matmulWasm';

/** Columns (samples × output positions) per product at least, where the batch has them: two of its 512-column blocks. */
const MIN_COLUMNS = 1024;
/** Staging per chunk of samples (bytes): the batch is split to stay under it. */
let chunkBytes = 16 * 2 ** 20;

/** For tests: the staging budget per chunk of samples; returns the previous one. */
export function setConvGemmChunkBytes(bytes: number): number {
  const previous = chunkBytes;
  chunkBytes = bytes;
  return previous;
}

const staging = new Staging();
const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * out = conv(x, w) + b for a [N, C, H, W] x, w [O, C, kH, kW], into `out` [N, O, outH, outW];
 * false (nothing written) where this kernel does not apply.
 */
export function convGemmForward(
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  out: FloatArray,
  p: Planes,
  win: Window,
  outChannels: number,
  outH: number,
  outW: number,
): boolean {
  const wasm = activeKernels();
  if (
    wasm === undefined ||
    !(x instanceof Float32Array && w instanceof Float32Array && out instanceof Float32Array) ||
    (b !== null && !(b instanceof Float32Array))
  )
    return false;
  const taps = p.channels * win.kH * win.kW;
  const plane = outH * outW;
  const inSample = p.channels * p.height * p.width;
  const outSample = outChannels * plane;
  // Padded beforehand at stride 1 (the packer's fast path); else the packer reads the padding as 0.
  const pad =
    win.strideW === 1 && win.padTop + win.padBottom + win.padLeft + win.padRight > 0 ? win : undefined;
  const hp = pad ? p.height + win.padTop + win.padBottom : p.height;
  const wp = pad ? p.width + win.padLeft + win.padRight : p.width;
  const paddedSample = pad ? p.channels * hp * wp : 0;
  const perSample = 4 * (inSample + paddedSample + 2 * outSample);
  const count = Math.max(
    1,
    Math.min(p.batch, Math.ceil(MIN_COLUMNS / plane), Math.floor(chunkBytes / perSample)),
  );
  if (matmulThreads() === 2 && outChannels * taps * count * plane >= THREAD_MIN_WORK) return false;
  const wInPlace = inKernelMemory(w);
  const bInPlace = b !== null && inKernelMemory(b);
  const wBytes = wInPlace ? 0 : align(4 * w.length);
  const bBytes = b === null || bInPlace ? 0 : align(4 * outChannels);
  const xBytes = align(4 * count * inSample);
  const xpBytes = align(4 * count * paddedSample);
  // The product [O, count·plane] goes straight into the output block when it has its layout (one sample).
  const cBytes = count === 1 ? 0 : align(4 * count * outSample);
  const scratch = gemmScratch(wasm);
  const base = staging.at(64 + wBytes + bBytes + xBytes + xpBytes + cBytes + 4 * count * outSample);
  if (base === undefined || scratch === undefined) return false;
  const geo = base;
  const wAt = wInPlace ? w.byteOffset : geo + 64;
  const bAt = b === null ? 0 : bInPlace ? b.byteOffset : geo + 64 + wBytes;
  const xAt = geo + 64 + wBytes + bBytes;
  const xpAt = xAt + xBytes;
  const outAt = xpAt + xpBytes + cBytes;
  const cAt = count === 1 ? outAt : xpAt + xpBytes;
  const heap = heapF32();
  if (!wInPlace) heap.set(w, wAt / 4);
  if (b !== null && !bInPlace) heap.set(b, bAt / 4);
  writeGeometry(geo, p, win, hp, wp, pad === undefined, outH, outW);
  for (let n0 = 0; n0 < p.batch; n0 += count) {
    const part = Math.min(count, p.batch - n0);
    heapF32().set(x.subarray(n0 * inSample, (n0 + part) * inSample), xAt / 4);
    if (pad) wasm.padPlanes(xAt, xpAt, part * p.channels, p.height, p.width, hp, wp, win.padTop, win.padLeft);
    wasm.gemmIm2col(wAt, pad ? xpAt : xAt, cAt, outChannels, taps, part * plane, geo, scratch);
    wasm.spreadBias(cAt, bAt, outAt, outChannels, part, plane);
    out.set(heapF32().subarray(outAt / 4, outAt / 4 + part * outSample), n0 * outSample);
  }
  return true;
}

/** The geometry block of `assembly/conv.ts` for images of height × width (padded or not: `keepPads`); its batch word is not read. */
function writeGeometry(
  at: number,
  p: Planes,
  win: Window,
  height: number,
  width: number,
  keepPads: boolean,
  outH: number,
  outW: number,
): void {
  const words = heapI32();
  const i = at / 4;
  words[i] = win.kH;
  words[i + 1] = win.kW;
  words[i + 2] = win.strideH;
  words[i + 3] = win.strideW;
  words[i + 4] = win.dilationH;
  words[i + 5] = win.dilationW;
  words[i + 6] = keepPads ? win.padTop : 0;
  words[i + 7] = keepPads ? win.padLeft : 0;
  words[i + 8] = height;
  words[i + 9] = width;
  words[i + 10] = outH;
  words[i + 11] = outW;
  words[i + 12] = p.channels;
  words[i + 13] = 0;
}
