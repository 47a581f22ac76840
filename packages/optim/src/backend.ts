import { formatValue } from '@mtl/tensor';
/**
 * Which implementation the float32 updates use: the WASM SIMD kernels (the default, where the
 * environment supports WebAssembly SIMD) or the pure-TypeScript update functions (always
 * available; the reference, and the path for float64).
 */
import { OptimError } from './OptimError';

import { wasmOptimAvailable } from './wasm/optimWasm';

/** `'wasm'`: WebAssembly SIMD kernels for float32; `'js'`: the pure-TypeScript updates. */
export type OptimBackend = 'wasm' | 'js';

let requested: OptimBackend = 'wasm';

/**
 * Chooses the float32 update kernels for this JS realm (each Worker has its own setting).
 * `'wasm'` (the default) runs the float32 updates of Adam, AdamW, SGD with momentum, RMSprop and
 * Adagrad in WebAssembly SIMD where available, with their state buffers kept in WebAssembly
 * memory, and falls back to `'js'` where not; `'js'` forces the TypeScript update functions, e.g.
 * to compare results or timings. float64 parameters, and the variants without a kernel (AMSGrad,
 * Nesterov, centered RMSprop, RMSprop with momentum, plain SGD), always use TypeScript.
 *
 * Results differ between the two in the last bits of float32: the kernels compute in float32, as
 * PyTorch does for float32 tensors; the TypeScript updates compute in float64 and round on store.
 * ±Infinity, NaN and −0 in parameters and gradients come out the same on both, bit for bit, and
 * as in PyTorch. (A finite float32 value near the top of its range can still overflow to
 * Infinity in the kernels' float32 intermediates where the TypeScript path's float64 ones do not.)
 */
export function setOptimBackend(backend: OptimBackend): void {
  if (backend !== 'wasm' && backend !== 'js') {
    throw new OptimError(`setOptimBackend: backend must be 'wasm' or 'js', got ${formatValue(backend)}`);
  }
  requested = backend;
}

/**
 * The float32 update kernels in use: `'wasm'` when requested (the default) and this environment
 * runs WebAssembly SIMD, else `'js'`.
 */
export function optimBackend(): OptimBackend {
  return requested === 'wasm' && wasmOptimAvailable() ? 'wasm' : 'js';
}

/** The requested backend, without compiling anything (for the optimizers' dispatch). */
export function requestedOptimBackend(): OptimBackend {
  return requested;
}
