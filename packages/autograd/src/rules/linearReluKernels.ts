/**
 * The two elementwise passes of `linearRelu` (rules/linearRelu.ts): the bias and relu after the
 * product (forward), and the relu mask with the bias gradient's column sums (backward; the mask
 * alone is also relu's backward, rules/relu.ts). float32 rows whose length is a multiple of 4
 * run in a small WebAssembly SIMD module (four lanes at a time; the operands are copied in and
 * the result out, a few µs against the loop's ~100 µs for a 256×128 activation); everything else, and environments without WASM SIMD, run the
 * TypeScript loops below, which give the same values bit for bit.
 *
 * The module is compiled from `assembly/linearRelu.ts` (AssemblyScript) and embedded by
 * `pnpm --filter @mtl/autograd build:wasm`.
 *
 * Semantics, the same on both paths: relu(v) is max(v, 0) with relu(NaN) = NaN, relu(−∞) = 0 and
 * relu(−0) = +0 (WASM's f32x4.max, JS's Math.max); the mask passes g where y > 0 and +0
 * elsewhere (also where g is ±∞ or NaN); the column sums are float64 sums of the masked values,
 * row by row.
 */

import { alignBytes, compileSimdModule, growMemory } from '@mtl/tensor';
import { linearReluWasmBase64 } from './linearReluWasm.generated';

type FloatData = Float32Array | Float64Array;

interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  biasRelu(y: number, b: number, rows: number, n: number): void;
  maskRows(g: number, y: number, out: number, sums: number, rows: number, n: number): void;
}

/** Below this many elements the copies and the call cost more than the loop saves. */
const MIN_WASM_SIZE = 4096;
/** Above this many bytes of WASM memory, use the loops rather than keep a big memory alive. */
const MAX_WASM_BYTES = 64 * 2 ** 20;

/** undefined: not tried yet; null: unavailable. */
let kernels: Kernels | null | undefined;
/** First free byte of the module's memory, 16-aligned: where the operands go. */
let base = 0;
let heap32 = new Float32Array(0);
let heap64 = new Float64Array(0);

function load(): Kernels | null {
  try {
    const module = compileSimdModule(linearReluWasmBase64);
    if (module === null) return null;
    const loaded = new WebAssembly.Instance(module).exports as unknown as Kernels;
    base = alignBytes(loaded.heapBase(), 16);
    return loaded;
  } catch {
    return null;
  }
}

/**
 * The module with at least `bytes` of memory (views refreshed), or null to use the loops: no WASM
 * SIMD here, more than MAX_WASM_BYTES, or the memory cannot grow (then nothing has changed).
 */
function withMemory(bytes: number): Kernels | null {
  if (kernels === undefined) kernels = load();
  if (kernels === null || bytes > MAX_WASM_BYTES) return null;
  const memory = kernels.memory;
  if (!growMemory(memory, base + bytes)) return null;
  if (heap32.buffer !== memory.buffer) {
    // The views start at `base`: offsets below are relative to it.
    heap32 = new Float32Array(memory.buffer, base);
    heap64 = new Float64Array(memory.buffer, base);
  }
  return kernels;
}

/** Whether the WASM passes run in this environment (loads the module on the first call). */
export function wasmPassesAvailable(): boolean {
  if (kernels === undefined) kernels = load();
  return kernels !== null;
}

/** Whether the WASM kernels are used for these operands. */
function useWasm(data: FloatData, rows: number, n: number): boolean {
  return data instanceof Float32Array && n % 4 === 0 && rows * n >= MIN_WASM_SIZE;
}

/** y[r, j] = relu(y[r, j] + b[j]) in place (no bias: relu(y) in place). */
export function biasRelu(y: FloatData, b: FloatData | null, rows: number, n: number): void {
  const size = rows * n;
  if (useWasm(y, rows, n) && (b === null || b instanceof Float32Array)) {
    const k = withMemory(4 * (size + n));
    if (k !== null) {
      heap32.set(y);
      if (b === null) heap32.fill(0, size, size + n);
      else heap32.set(b, size);
      k.biasRelu(base, base + 4 * size, rows, n);
      y.set(heap32.subarray(0, size));
      return;
    }
  }
  biasReluLoop(y, b, rows, n);
}

/**
 * gm = g·[y > 0] (+0 where y ≤ 0, even for a non-finite g), and, when `sums` is given, its
 * column sums added into `sums` (float64).
 */
export function maskRows(
  g: FloatData,
  y: FloatData,
  gm: FloatData,
  sums: Float64Array | null,
  rows: number,
  n: number,
): void {
  const size = rows * n;
  if (useWasm(g, rows, n) && y instanceof Float32Array && gm instanceof Float32Array) {
    const k = withMemory(12 * size + 8 * n);
    if (k !== null) {
      heap32.set(g);
      heap32.set(y, size);
      const sumsAt = 12 * size;
      if (sums !== null) heap64.set(sums, sumsAt / 8);
      k.maskRows(base, base + 4 * size, base + 8 * size, sums === null ? 0 : base + sumsAt, rows, n);
      gm.set(heap32.subarray(2 * size, 3 * size));
      if (sums !== null) sums.set(heap64.subarray(sumsAt / 8, sumsAt / 8 + n));
      return;
    }
  }
  maskRowsLoop(g, y, gm, sums, rows, n);
}

/**
 * The TypeScript form of biasRelu. Branchless (v·[v > 0] + 0 is +0 for finite v ≤ 0); only a
 * non-finite v makes it NaN, and then Math.max gives relu's answer: a branch almost never taken.
 */
export function biasReluLoop(y: FloatData, b: FloatData | null, rows: number, n: number): void {
  if (b === null) {
    for (let i = 0; i < rows * n; i++) {
      const v = y[i]!;
      const r = v * +(v > 0) + 0;
      y[i] = Number.isNaN(r) ? Math.max(v, 0) : r;
    }
    return;
  }
  for (let row = 0, o = 0; row < rows; row++, o += n) {
    for (let j = 0; j < n; j++) {
      const v = y[o + j]! + b[j]!;
      const r = v * +(v > 0) + 0;
      y[o + j] = Number.isNaN(r) ? Math.max(v, 0) : r;
    }
  }
}

/** The TypeScript form of maskRows. */
export function maskRowsLoop(
  g: FloatData,
  y: FloatData,
  gm: FloatData,
  sums: Float64Array | null,
  rows: number,
  n: number,
): void {
  if (sums === null) {
    for (let i = 0; i < rows * n; i++) {
      const gi = g[i]!;
      const yi = y[i]!;
      const r = gi * +(yi > 0) + 0;
      gm[i] = Number.isNaN(r) ? (yi > 0 ? gi : 0) : r;
    }
    return;
  }
  for (let row = 0, o = 0; row < rows; row++, o += n) {
    for (let j = 0; j < n; j++) {
      const gi = g[o + j]!;
      const yi = y[o + j]!;
      let r = gi * +(yi > 0) + 0;
      if (Number.isNaN(r)) r = yi > 0 ? gi : 0;
      gm[o + j] = r;
      sums[j] += r;
    }
  }
}
