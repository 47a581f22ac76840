/**
 * The one loader of the @mtl packages' embedded WebAssembly SIMD kernels (matmul here, the
 * optimizer updates in @mtl/optim, linearRelu's passes in @mtl/autograd): feature detection,
 * base64 decoding and a synchronous compile, which is fine for modules of a few KiB in Node, in
 * a Worker and on a browser's main thread.
 */

/** A module with one function returning a v128 (`i32.const 0; i8x16.splat; i8x16.popcnt`). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/**
 * Compiles a base64-embedded WebAssembly module that uses SIMD, or gives null where it cannot
 * run: no WebAssembly, no 128-bit SIMD, or a compile refused (e.g. a Content-Security-Policy
 * without `wasm-unsafe-eval`). Callers then use their TypeScript kernels. Checked at each call,
 * so a caller caches the result.
 */
export function compileSimdModule(base64: string): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return null;
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}
