/**
 * The kernel module of @mtl: every WebAssembly kernel of the @mtl packages in one module,
 * compiled by `pnpm --filter @mtl/tensor build:wasm` into `src/backend/kernelModule.generated.ts`
 * and instantiated on the one kernel memory (`src/backend/kernelMemory.ts`), which it imports.
 * Addresses are byte offsets into that memory; the TypeScript side allocates everything above
 * `heapBase()`.
 *
 * Builds (the TypeScript side picks one at run time, see `src/backend/features.ts`):
 * - the base build: SIMD on a private (unshared) memory, where shared memory is unavailable;
 * - `Shared`: SIMD on a shared memory (tensors can live in it, its views survive growth, and a
 *   helper thread's instance works on the same bytes);
 * - `SharedFma`: the same with relaxed SIMD, whose `f32x4.relaxed_madd` is a fused multiply-add
 *   (Node ≥ 22, Chromium ≥ 114); only the matmul micro-kernel uses it.
 */
// build-wasm variant Shared: --enable threads --sharedMemory --maximumMemory 65536
// build-wasm variant SharedFma: --enable threads --sharedMemory --maximumMemory 65536 --enable relaxed-simd

export { col2im, convDirect, convWeightGrad, im2col, maxPool, padPlanes } from './conv';
export { spreadBias } from './convGemm';
export { gemm, gemmChunk, gemmIm2col, heapBase, packB, scratchBytes } from './matmul';
export { adagrad, adam, rmsprop, sgdMomentum } from './optim';
export { biasRelu, maskRows } from './passes';
export { combineRows, gramRows } from './rows';
