/**
 * The kernel module (every WebAssembly kernel of the @mtl packages, source in `assembly/`),
 * compiled from its embedded builds and instantiated on the kernel memory, lazily and
 * synchronously: fine for a module of a few KiB in Node, in a Worker and on a browser's main
 * thread. Where anything fails (no SIMD, a Content-Security-Policy without `wasm-unsafe-eval`),
 * `kernelInstance()` is undefined and every op runs its TypeScript kernel.
 *
 * Two variants share one source: `'relaxed-simd'` (the matmul micro-kernel multiplies and adds
 * in one fused instruction, `f32x4.relaxed_madd`), picked where the engine has relaxed SIMD, and
 * `'simd'` everywhere else. FMA rounds once where mul + add rounds twice, so float32 products
 * differ in the last bits between the variants (as PyTorch's differ between CPUs); both are
 * tested against float64 references within float32 tolerance.
 */

import { wasmFeatures } from './features';
import { BASE, kernelMemory, memoryMode } from './kernelMemory';
import {
  kernelModuleBase64,
  kernelModuleSharedBase64,
  kernelModuleSharedFmaBase64,
} from './kernelModule.generated';

/** Which build of the kernel module runs. */
export type KernelVariant = 'relaxed-simd' | 'simd';

export interface KernelExports {
  heapBase(): number;
  scratchBytes(): number;
  gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    tA: number,
    tB: number,
    scratch: number,
  ): void;
  gemmChunk(args: number, index: number, scratch: number): void;
  gemmIm2col(
    w: number,
    x: number,
    c: number,
    m: number,
    k: number,
    n: number,
    geo: number,
    scratch: number,
  ): void;
  spreadBias(c: number, bias: number, out: number, channels: number, count: number, plane: number): void;
  packB(b: number, k: number, n: number, transB: number, dst: number): void;
  biasRelu(y: number, b: number, rows: number, n: number): void;
  maskRows(g: number, y: number, out: number, sums: number, rows: number, n: number): void;
  gramRows(x: number, t: number, n: number, out: number): void;
  combineRows(x: number, w: number, t: number, n: number, out: number): void;
  im2col(x: number, cols: number, geo: number): void;
  col2im(cols: number, dx: number, geo: number): void;
  maxPool(x: number, out: number, indices: number, geo: number): void;
  padPlanes(
    src: number,
    dst: number,
    planes: number,
    height: number,
    width: number,
    paddedH: number,
    paddedW: number,
    padTop: number,
    padLeft: number,
  ): void;
  convDirect(xp: number, w: number, bias: number, out: number, cgeo: number): void;
  convWeightGrad(xp: number, gp: number, dw: number, cgeo: number): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    beta2: number,
    a1: number,
    a2: number,
    stepSize: number,
    invC2: number,
    eps: number,
    shrink: number,
    l2: number,
    sign: number,
  ): void;
  sgdMomentum(
    p: number,
    g: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    keep: number,
    weightDecay: number,
    sign: number,
  ): void;
  rmsprop(
    p: number,
    g: number,
    square: number,
    n: number,
    lr: number,
    alpha: number,
    keep: number,
    eps: number,
    weightDecay: number,
    sign: number,
  ): void;
  adagrad(
    p: number,
    g: number,
    sum: number,
    n: number,
    clr: number,
    eps: number,
    weightDecay: number,
    sign: number,
  ): void;
}

const compiled = new Map<string, WebAssembly.Module | null>();
const instances = new Map<KernelVariant, KernelExports | null>();

/** The variants this environment can run, best first. */
export function availableVariants(): KernelVariant[] {
  const f = wasmFeatures();
  if (!f.simd || kernelMemory() === undefined) return [];
  return f.relaxedSimd && memoryMode() === 'shared' ? ['relaxed-simd', 'simd'] : ['simd'];
}

/** The build for a variant on the current memory: its base64 and a cache key. */
function build(variant: KernelVariant): string {
  if (memoryMode() === 'private') return kernelModuleBase64;
  return variant === 'relaxed-simd' ? kernelModuleSharedFmaBase64 : kernelModuleSharedBase64;
}

/** The compiled module of a variant (for a helper thread to instantiate), or null if it cannot compile here. */
export function compiledKernelModule(variant: KernelVariant): WebAssembly.Module | null {
  const base64 = build(variant);
  let module = compiled.get(base64);
  if (module === undefined) {
    module = compile(base64);
    compiled.set(base64, module);
  }
  return module;
}

function compile(base64: string): WebAssembly.Module | null {
  try {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/** The instance of `variant` on the kernel memory, or undefined where it cannot run. */
export function kernelInstance(variant: KernelVariant): KernelExports | undefined {
  let instance = instances.get(variant);
  if (instance === undefined) {
    instance = instantiate(variant);
    instances.set(variant, instance);
  }
  return instance ?? undefined;
}

function instantiate(variant: KernelVariant): KernelExports | null {
  if (!availableVariants().includes(variant)) return null;
  const module = compiledKernelModule(variant);
  const memory = kernelMemory();
  if (module === null || memory === undefined) return null;
  try {
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    // The allocator starts at BASE: the module's static data must end below it.
    return exports.heapBase() <= BASE ? exports : null;
  } catch {
    return null;
  }
}

/**
 * A fresh instance of the base build on a private memory of its own, large enough for
 * `bytes(exports)` bytes above `base`, for one call whose operands would not fit kernel memory's
 * staging; nothing keeps it, so the memory is garbage-collected after. Undefined if WebAssembly
 * SIMD is unavailable or the memory cannot be made.
 */
export function oneOffInstance(
  bytes: (exports: KernelExports) => number,
): { wasm: KernelExports; base: number; heap: Float32Array } | undefined {
  if (!wasmFeatures().simd) return undefined;
  let module = compiled.get(kernelModuleBase64);
  if (module === undefined) {
    module = compile(kernelModuleBase64);
    compiled.set(kernelModuleBase64, module);
  }
  if (module === null) return undefined;
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const base = Math.ceil(wasm.heapBase() / 64) * 64;
    const total = base + bytes(wasm);
    if (total > 2 ** 32 - 65536) return undefined;
    memory.grow(Math.max(0, Math.ceil((total - memory.buffer.byteLength) / 65536)));
    return { wasm, base, heap: new Float32Array(memory.buffer) };
  } catch {
    return undefined;
  }
}
