/**
 * The one backend switch of the @mtl packages, per JS realm (each Worker has its own):
 * `'wasm'` (the default) runs the kernels that have a WebAssembly build there, where this
 * environment runs WebAssembly SIMD; `'js'` runs the TypeScript kernels, which are the reference
 * (and the only path for float64 and int32). A per-kernel override lets a test run one kernel
 * on the other backend, and `variant` pins the kernel build (e.g. the plain SIMD build on a
 * runtime that has relaxed SIMD, to compare them). Which implementation of a kernel runs is
 * looked up in the kernel registry (`registry.ts`, `getKernel`).
 */

import { checkOptionsObject } from '../checks';
import { formatValue, ValueError } from '../errors';
import { availableVariants, type KernelExports, type KernelVariant, kernelInstance } from './kernelModule';

export type Backend = 'wasm' | 'js';

/** The kernels with a WebAssembly build: `'wasm'` runs them in the kernel module. */
export const WASM_KERNEL_NAMES = [
  'matmul',
  'linearPasses',
  'optimizerUpdates',
  'im2col',
  'col2im',
  'maxPool',
  'directConv',
  'convGemm',
  'rowProducts',
] as const;
export type WasmKernelName = (typeof WASM_KERNEL_NAMES)[number];

/**
 * Every kernel of the kernel registry (`registry.ts`, which TypeScript holds to this list), all
 * of which `setBackend`'s `kernels` option accepts. Only the `WASM_KERNEL_NAMES` have a
 * WebAssembly build; the others run TypeScript on both backends, so switching one of them
 * changes nothing (naming it is allowed, so that code and tests can switch any kernel).
 */
// biome-ignore format: one group of kernels per line
export const KERNEL_NAMES = [
  ...WASM_KERNEL_NAMES,
  // Elementwise (kernels/elementwise.ts): each driver, then its loops.
  'binary', 'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'copy',
  'unary', 'neg', 'abs', 'square', 'exp', 'log', 'sqrt', 'tanh', 'relu', 'sigmoid',
  // Reductions (kernels/reduce.ts, kernels/squaredError.ts), layout (kernels/permute.ts), linear algebra (kernels/linalg/).
  'reduce', 'argReduce', 'squaredError',
  'permute',
  'inverse', 'solve', 'pseudoInverse', 'symmetricEigen',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

export interface SetBackendOptions {
  /**
   * Switch only these kernels (the others keep theirs); without it, every kernel, clearing
   * earlier overrides. Any of `KERNEL_NAMES`; those without a WebAssembly build run TypeScript
   * whatever they are switched to.
   */
  kernels?: readonly KernelName[];
  /** Pin the kernel build (only with `'wasm'`); without it, the best this environment runs. */
  variant?: KernelVariant;
}

let requested: Backend = 'wasm';
const overrides = new Map<KernelName, Backend>();
let pinnedVariant: KernelVariant | undefined;

/**
 * Where a kernel with a WebAssembly build runs (`backend(kernel)`), once resolved; `setBackend`
 * resets it. One object per kernel, which the kernel registry holds, so that `getKernel` reads it
 * as a property (a by-name look-up on every call would cost more than a small op).
 */
export interface KernelPlacement {
  runs: Backend | undefined;
}

const placements: Record<WasmKernelName, KernelPlacement> = {
  matmul: { runs: undefined },
  linearPasses: { runs: undefined },
  optimizerUpdates: { runs: undefined },
  im2col: { runs: undefined },
  col2im: { runs: undefined },
  maxPool: { runs: undefined },
  directConv: { runs: undefined },
  convGemm: { runs: undefined },
  rowProducts: { runs: undefined },
};

/** The placement of a kernel with a WebAssembly build (for the registry). */
export function placement(kernel: WasmKernelName): KernelPlacement {
  return placements[kernel];
}

/**
 * Chooses the backend. `setBackend('js')` runs everything in TypeScript;
 * `setBackend('js', { kernels: ['matmul'] })` only matmul; `setBackend('wasm', { variant: 'simd' })`
 * the plain SIMD build where relaxed SIMD is also available. Where WebAssembly SIMD is
 * unavailable, `'wasm'` runs TypeScript too: `backendInfo()` tells what runs. `kernels` takes
 * any of `KERNEL_NAMES`; a kernel without a WebAssembly build (`add`, `reduce`…) runs TypeScript
 * on either backend.
 */
export function setBackend(backend: Backend, options: SetBackendOptions = {}): void {
  if (backend !== 'wasm' && backend !== 'js') {
    throw new ValueError(`setBackend: backend must be 'wasm' or 'js' — got ${formatValue(backend)}`);
  }
  checkOptionsObject('setBackend', options, ['kernels', 'variant']);
  const { kernels, variant } = options;
  if (kernels !== undefined) {
    if (!Array.isArray(kernels) || kernels.some((k) => !KERNEL_NAMES.includes(k))) {
      throw new ValueError(
        `setBackend: kernels must be an array of kernel names: ${WASM_KERNEL_NAMES.map((k) => `'${k}'`).join(', ')} ` +
          `(the ones with a WebAssembly build) or any other name in KERNEL_NAMES — got ${formatValue(kernels)}`,
      );
    }
  }
  if (variant !== undefined) {
    if (variant !== 'simd' && variant !== 'relaxed-simd') {
      throw new ValueError(
        `setBackend: variant must be 'simd' or 'relaxed-simd' — got ${formatValue(variant)}`,
      );
    }
    if (backend !== 'wasm') throw new ValueError(`setBackend: a variant goes with 'wasm' — got 'js'`);
    if (!availableVariants().includes(variant)) {
      throw new ValueError(
        `setBackend: variant '${variant}' does not run here (available: ${availableVariants().join(', ') || 'none'})`,
      );
    }
  }
  if (kernels === undefined) {
    requested = backend;
    overrides.clear();
  } else {
    for (const k of kernels) overrides.set(k, backend);
  }
  if (backend === 'wasm') pinnedVariant = variant ?? (kernels === undefined ? undefined : pinnedVariant);
  for (const k of WASM_KERNEL_NAMES) placements[k].runs = undefined;
}

/** The variant that runs (pinned, else the best available), or undefined where no WebAssembly kernel runs. */
export function kernelVariant(): KernelVariant | undefined {
  return pinnedVariant ?? availableVariants()[0];
}

/** The kernel module's instance for `kernel` when it runs on WebAssembly, else undefined (run TypeScript). */
export function wasmKernels(kernel: WasmKernelName): KernelExports | undefined {
  return (overrides.get(kernel) ?? requested) === 'wasm' ? activeKernels() : undefined;
}

/** The instance of the variant in use, whatever the backend (for a WebAssembly kernel called directly, as tests do). */
export function activeKernels(): KernelExports | undefined {
  const variant = kernelVariant();
  return variant === undefined ? undefined : kernelInstance(variant);
}

/**
 * The backend `kernel` runs on now: `'wasm'` when requested and available (and the kernel has a
 * WebAssembly build), else `'js'`. Without a kernel, that of the kernels as a whole. Resolved
 * once per `setBackend` call (see `KernelPlacement`).
 */
export function backend(kernel?: KernelName): Backend {
  if (kernel === undefined)
    return requested === 'wasm' && wasmKernels(WASM_KERNEL_NAMES[0]) !== undefined ? 'wasm' : 'js';
  if (!isWasmKernel(kernel)) return 'js';
  const p = placements[kernel];
  if (p.runs === undefined) p.runs = wasmKernels(kernel) === undefined ? 'js' : 'wasm';
  return p.runs;
}

function isWasmKernel(kernel: KernelName): kernel is WasmKernelName {
  return (WASM_KERNEL_NAMES as readonly string[]).includes(kernel);
}
