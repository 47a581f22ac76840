/**
 * Which implementation float32 matmul uses: the WASM SIMD kernel (the default, where the
 * environment supports WebAssembly SIMD) or the pure-TypeScript kernel (always available; the
 * reference, and the path for float64 and int32).
 */
import { formatValue, ValueError } from '../errors';
import { matmulThreadsAvailable } from './matmulThreads';
import { wasmMatmulAvailable } from './matmulWasm';

/** `'wasm'`: WebAssembly SIMD kernel for float32; `'js'`: the pure-TypeScript kernel. */
export type MatmulBackend = 'wasm' | 'js';

let requested: MatmulBackend = 'wasm';

/**
 * Chooses the float32 matmul kernel for this JS realm (each Worker has its own setting).
 * `'wasm'` (the default) uses WebAssembly SIMD where available and falls back to `'js'` where
 * not; `'js'` forces the pure-TypeScript kernel, e.g. to compare results or timings. float64 and
 * int32 products always use the TypeScript kernel, and so do float32 products too small to
 * repay copying the operands into WebAssembly memory, and dot products (one row times one column).
 *
 * Results differ between the two in the last bits: the WASM kernel accumulates float32 in
 * float32 (as PyTorch does); the TypeScript kernel accumulates in float64 and rounds once.
 */
export function setMatmulBackend(backend: MatmulBackend): void {
  if (backend !== 'wasm' && backend !== 'js') {
    throw new ValueError(`setMatmulBackend: backend must be 'wasm' or 'js' — got ${formatValue(backend)}`);
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

/** Threads for large float32 products on the WASM backend: 1 (this thread only) or 2. */
export type MatmulThreads = 1 | 2;

let requestedThreads: MatmulThreads = 1;

/**
 * Sets how many threads large float32 products use on the `'wasm'` backend, for this JS realm:
 * 1 (the default) or 2 — this thread plus one helper Worker, started on the first product of at
 * least `THREAD_MIN_WORK` (6 Mi) multiply-adds and reused; results are the same bit for bit.
 * The helper never keeps a Node process alive. Where threads are unavailable (no
 * `SharedArrayBuffer` or shared WebAssembly memory, e.g. a browser page without cross-origin
 * isolation; a browser's main thread, which may not block in `Atomics.wait`; Node before 20.16),
 * or if the helper fails, products run on one thread; `matmulThreads()` tells which.
 */
export function setMatmulThreads(threads: MatmulThreads): void {
  if (threads !== 1 && threads !== 2) {
    throw new ValueError(`setMatmulThreads: threads must be 1 or 2 — got ${formatValue(threads)}`);
  }
  requestedThreads = threads;
}

/**
 * The threads large float32 products use: 2 when requested, the backend is `'wasm'` and this
 * environment runs the helper (the first call with 2 requested may start it), else 1.
 */
export function matmulThreads(): MatmulThreads {
  return requestedThreads === 2 && matmulBackend() === 'wasm' && matmulThreadsAvailable() ? 2 : 1;
}

/** The requested thread count, without starting anything (for the kernel's dispatch). */
export function requestedMatmulThreads(): MatmulThreads {
  return requestedThreads;
}
