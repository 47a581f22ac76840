/**
 * Which implementation float32 matmul uses: the WASM SIMD kernel (the default, where the
 * environment supports WebAssembly SIMD) or the pure-TypeScript kernel (always available; the
 * reference, and the path for float64 and int32).
 */
import { ValueError } from '../errors';
import { wasmMatmulAvailable } from './matmulWasm';

/** `'wasm'`: WebAssembly SIMD kernel for float32; `'js'`: the pure-TypeScript kernel. */
export type MatmulBackend = 'wasm' | 'js';

let requested: MatmulBackend = 'wasm';

/**
 * Chooses the float32 matmul kernel for this JS realm (each Worker has its own setting).
 * `'wasm'` (the default) uses WebAssembly SIMD where available and falls back to `'js'` where
 * not; `'js'` forces the pure-TypeScript kernel, e.g. to compare results or timings. float64 and
 * int32 products always use the TypeScript kernel, and so do float32 products too small to
 * repay copying the operands into WebAssembly memory.
 *
 * Results differ between the two in the last bits: the WASM kernel accumulates float32 in
 * float32 (as PyTorch does); the TypeScript kernel accumulates in float64 and rounds once.
 */
export function setMatmulBackend(backend: MatmulBackend): void {
  if (backend !== 'wasm' && backend !== 'js') {
    throw new ValueError(`setMatmulBackend: backend must be 'wasm' or 'js', got ${JSON.stringify(backend)}`);
  }
  requested = backend;
}

/**
 * The float32 matmul kernel in use: `'wasm'` when it was requested (the default) and this
 * environment runs WebAssembly SIMD, else `'js'`.
 */
export function matmulBackend(): MatmulBackend {
  return requested === 'wasm' && wasmMatmulAvailable() ? 'wasm' : 'js';
}

/** The requested backend, without compiling anything (for the kernel's dispatch). */
export function requestedMatmulBackend(): MatmulBackend {
  return requested;
}
