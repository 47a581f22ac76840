/**
 * Direct convolution on the kernel module (`assembly/conv.ts`), for stride 1, no dilation, one
 * group and few taps per output (C·kH·kW): there, building im2col's column matrix and copying the
 * product out cost more than the arithmetic (LeNet's layers: 25 and 250 taps). The input is
 * zero-padded in kernel memory, so the kernel runs without bounds checks, 4 output channels × 4
 * columns per step; the weight's gradient has its own kernel. (The input's gradient stays with
 * the product and col2im: as a direct convolution of the padded output gradient it would spend
 * most of its work on the padding, 2–3× slower on LeNet's layers.)
 *
 * The `wasm` implementation of the registry's `directConv` kernel; each function returns false,
 * having done nothing, where it does not apply (the op then runs im2col and the product). float32
 * sums, in another order than the product's: values agree to rounding, not bit for bit.
 */

import { activeKernels } from '../backend/backend';
import { heapF32, heapI32, Staging } from '../backend/kernelMemory';
import type { KernelExports } from '../backend/kernelModule';
import type { Planes, Window } from '../ops/window';
import type { FloatArray } from './im2col';

/**
 * Most taps (C·kH·kW) per output for which the direct kernels beat im2col and the product
 * (measured on LeNet's layers, batch 256: the forward is faster at 25 and 250 taps; the weight's
 * gradient, which reads the output gradient once per tap, at 25 but not at 250).
 */
const DIRECT_MAX_TAPS = 512;
const DIRECT_WEIGHT_GRAD_MAX_TAPS = 64;
/** Staging per chunk of samples (bytes): the batch is split to stay under it. */
let chunkBytes = 16 * 2 ** 20;

/** For tests: the staging budget per chunk of samples; returns the previous one. */
export function setDirectChunkBytes(bytes: number): number {
  const previous = chunkBytes;
  chunkBytes = bytes;
  return previous;
}

const staging = new Staging();
const round4 = (n: number) => (n + 3) & ~3;

/** Whether the direct kernels take a convolution of this geometry, with at most `maxTaps` taps. */
function takes(p: Planes, win: Window, maxTaps: number): boolean {
  return (
    win.strideH === 1 &&
    win.strideW === 1 &&
    win.dilationH === 1 &&
    win.dilationW === 1 &&
    p.channels * win.kH * win.kW <= maxTaps
  );
}

/** The padded input's layout: rows wide enough for the last 4-column step's taps. */
function paddedSize(p: Planes, win: Window, outW: number): { hp: number; wp: number } {
  return {
    hp: p.height + win.padTop + win.padBottom,
    wp: Math.max(p.width + win.padLeft + win.padRight, round4(outW) + win.kW - 1),
  };
}

/** Stages `count` samples of x from sample n0, padded, at `at` (bytes); `raw` is scratch for the unpadded copy. */
function stagePadded(
  wasm: KernelExports,
  x: Float32Array,
  p: Planes,
  win: Window,
  hp: number,
  wp: number,
  n0: number,
  count: number,
  at: number,
  raw: number,
): void {
  const sample = p.channels * p.height * p.width;
  const source = x.subarray(n0 * sample, (n0 + count) * sample);
  if (hp === p.height && wp === p.width) {
    heapF32().set(source, at / 4); // no padding: the copy is the padded input
    return;
  }
  heapF32().set(source, raw / 4);
  wasm.padPlanes(raw, at, count * p.channels, p.height, p.width, hp, wp, win.padTop, win.padLeft);
}

function writeGeometry(at: number, values: number[]): void {
  heapI32().set(values, at / 4);
}

/** Samples per chunk so that `perSample` bytes each stay under the chunk budget (at least 1). */
function chunkOf(batch: number, perSample: number): number {
  return Math.max(1, Math.min(batch, Math.floor(chunkBytes / Math.max(perSample, 1))));
}

/**
 * out = conv(x, w) + b for a [N, C, H, W] x, w [O, C, kH, kW], into `out` [N, O, outH, outW];
 * false (nothing written) where the direct kernel does not apply.
 */
export function convDirectForward(
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
    (b !== null && !(b instanceof Float32Array)) ||
    !takes(p, win, DIRECT_MAX_TAPS)
  )
    return false;
  const { hp, wp, outW4, padded, taps, rawSample, paddedSample } = directSizes(p, win, outChannels, outW);
  const outSample = 4 * outChannels * outH * outW4;
  const chunk = chunkOf(p.batch, rawSample + paddedSample + outSample);
  const fixed = 4 * padded * taps + 4 * padded + 64;
  const base = staging.at(fixed + chunk * (rawSample + paddedSample + outSample));
  if (base === undefined) return false;
  const wAt = base;
  const bAt = wAt + 4 * padded * taps;
  const geo = bAt + 4 * padded;
  const rawAt = geo + 64;
  const xAt = rawAt + chunk * rawSample;
  const outAt = xAt + chunk * paddedSample;
  const heap = heapF32();
  heap.set(w, wAt / 4);
  heap.fill(0, wAt / 4 + w.length, wAt / 4 + padded * taps);
  if (b !== null) heap.set(b, bAt / 4);
  const plane = outH * outW;
  for (let n0 = 0; n0 < p.batch; n0 += chunk) {
    const count = Math.min(chunk, p.batch - n0);
    stagePadded(wasm, x, p, win, hp, wp, n0, count, xAt, rawAt);
    writeGeometry(geo, [count, p.channels, hp, wp, outChannels, win.kH, win.kW, outH, outW4]);
    wasm.convDirect(xAt, wAt, b === null ? 0 : bAt, outAt, geo);
    const staged = heapF32();
    const from = outAt / 4;
    if (outW4 === outW) {
      out.set(staged.subarray(from, from + count * outChannels * plane), n0 * outChannels * plane);
    } else {
      // Rows were computed outW4 wide: keep the first outW of each.
      const rows = count * outChannels * outH;
      const dst = n0 * outChannels * plane;
      for (let r = 0; r < rows; r++)
        out.set(staged.subarray(from + r * outW4, from + r * outW4 + outW), dst + r * outW);
    }
  }
  return true;
}

/**
 * The sizes both direct kernels stage with: the padded input plane, output rows rounded up to 4
 * columns, output channels rounded up to 4, taps per output, and bytes per sample of the raw and
 * the padded input.
 */
function directSizes(p: Planes, win: Window, outChannels: number, outW: number) {
  const { hp, wp } = paddedSize(p, win, outW);
  return {
    hp,
    wp,
    outW4: round4(outW),
    padded: round4(outChannels),
    taps: p.channels * win.kH * win.kW,
    rawSample: 4 * p.channels * p.height * p.width,
    paddedSample: 4 * p.channels * hp * wp,
  };
}

/**
 * dw = Σ over the batch of the correlation of x with gradOut (w's shape [O, C, kH, kW]), into
 * `dw`; false where the direct kernel does not apply.
 */
export function convDirectWeightGrad(
  x: FloatArray,
  gradOut: FloatArray,
  dw: FloatArray,
  p: Planes,
  win: Window,
  outChannels: number,
  outH: number,
  outW: number,
): boolean {
  const wasm = activeKernels();
  if (
    wasm === undefined ||
    !(x instanceof Float32Array && gradOut instanceof Float32Array && dw instanceof Float32Array) ||
    !takes(p, win, DIRECT_WEIGHT_GRAD_MAX_TAPS)
  )
    return false;
  const { hp, wp, outW4, padded, taps, rawSample, paddedSample } = directSizes(p, win, outChannels, outW);
  const gSample = 4 * padded * outH * outW4;
  const chunk = chunkOf(p.batch, rawSample + paddedSample + gSample);
  const fixed = 4 * padded * taps + 64;
  const base = staging.at(fixed + chunk * (rawSample + paddedSample + gSample));
  if (base === undefined) return false;
  const dwAt = base;
  const geo = dwAt + 4 * padded * taps;
  const rawAt = geo + 64;
  const xAt = rawAt + chunk * rawSample;
  const gAt = xAt + chunk * paddedSample;
  const sums = new Float64Array(outChannels * taps);
  const plane = outH * outW;
  for (let n0 = 0; n0 < p.batch; n0 += chunk) {
    const count = Math.min(chunk, p.batch - n0);
    stagePadded(wasm, x, p, win, hp, wp, n0, count, xAt, rawAt);
    // gradOut as [count, padded channels, outH, outW4], zero in the padding.
    const heap = heapF32();
    const g0 = gAt / 4;
    heap.fill(0, g0, g0 + count * padded * outH * outW4);
    for (let n = 0; n < count; n++) {
      for (let o = 0; o < outChannels; o++) {
        const src = ((n0 + n) * outChannels + o) * plane;
        const dst = g0 + (n * padded + o) * outH * outW4;
        if (outW4 === outW) heap.set(gradOut.subarray(src, src + plane), dst);
        else
          for (let r = 0; r < outH; r++)
            heap.set(gradOut.subarray(src + r * outW, src + (r + 1) * outW), dst + r * outW4);
      }
    }
    writeGeometry(geo, [count, p.channels, hp, wp, outChannels, win.kH, win.kW, outH, outW4]);
    wasm.convWeightGrad(xAt, gAt, dwAt, geo);
    const staged = heapF32();
    for (let i = 0; i < sums.length; i++) sums[i]! += staged[dwAt / 4 + i]!;
  }
  dw.set(sums);
  return true;
}
