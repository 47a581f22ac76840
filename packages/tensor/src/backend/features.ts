/**
 * What this JS environment's WebAssembly offers, detected once by validating tiny modules (the
 * way to ask an engine, as no API lists its features): SIMD (Node ≥ 16, every current browser),
 * relaxed SIMD with its fused multiply-add (Node ≥ 22, Chromium ≥ 114; not Node 20) and shared
 * memory (Node; browsers allow it even without cross-origin isolation, but only isolated pages
 * may hand it to a Worker).
 */

export interface WasmFeatures {
  /** 128-bit SIMD: the kernels need it; without it every op runs its TypeScript kernel. */
  readonly simd: boolean;
  /** Relaxed SIMD (`f32x4.relaxed_madd`, an FMA): the matmul micro-kernel uses it. */
  readonly relaxedSimd: boolean;
  /** Shared `WebAssembly.Memory`: tensors can live in kernel memory, and helper threads can work on it. */
  readonly sharedMemory: boolean;
}

/** `() -> v128`: `i32.const 0; i8x16.splat; i8x16.popcnt`. */
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
];

/** `() -> v128`: three `i8x16.splat`s into `f32x4.relaxed_madd`. */
const RELAXED_SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 15, 65, 0,
  253, 15, 65, 0, 253, 15, 253, 133, 2, 11,
];

let detected: WasmFeatures | undefined;

/** The features, detected on the first call and cached (they cannot change within a realm). */
export function wasmFeatures(): WasmFeatures {
  detected ??= detect();
  return detected;
}

function detect(): WasmFeatures {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return { simd: false, relaxedSimd: false, sharedMemory: false };
  }
  const simd = validates(SIMD_PROBE);
  return {
    simd,
    relaxedSimd: simd && validates(RELAXED_SIMD_PROBE),
    sharedMemory: simd && canShareMemory(),
  };
}

function validates(bytes: number[]): boolean {
  try {
    return WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

function canShareMemory(): boolean {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer.byteLength === 65536;
  } catch {
    return false;
  }
}
