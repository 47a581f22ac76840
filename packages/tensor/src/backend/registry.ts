/**
 * The kernel registry: every kernel the ops run, by name (`KERNEL_NAMES`), with its TypeScript
 * implementation (`js`: the reference, what the `'js'` backend runs, and the only path for
 * float64 and int32) and, for the kernels with a WebAssembly build (`WASM_KERNEL_NAMES`), the
 * one that runs it in the kernel module (`wasm`, which falls back to TypeScript for operands its
 * build does not take). Ops import no kernel: they call `getKernel(KERNELS.add)` and run what it
 * returns, so a kernel can be replaced (a new build, a test double) without touching them.
 *
 * In the spirit of tfjs-core's kernel registry, but a static table built from imports: kernels
 * registering themselves as their modules load would be dropped by bundlers, the package being
 * `"sideEffects": false`. (The flip side: a bundle that runs any op keeps every kernel.)
 * TypeScript checks the table: one entry per kernel name, one signature per entry, and a `wasm`
 * implementation exactly for the kernels with a WebAssembly build.
 *
 * Cost per call: a property read at the call site (`KERNELS.add`, monomorphic) and `getKernel`,
 * which V8 inlines (one shape for every entry): for a kernel without a WebAssembly build it reads
 * `wasm` and returns `js`; with one, it also reads where the kernel runs (its `placement`, which
 * `setBackend` resets and `backend(name)` resolves once). A by-name look-up (`table[name]`) would
 * be one keyed access site shared by every kernel: megamorphic, about 20× the cost (measured ~40
 * ns a call against ~2). Ops look kernels up on every call, not once at load, so `setBackend`
 * and `withKernelForTests` take effect at once.
 */

import { convDirectForward, convDirectWeightGrad } from '../kernels/convDirect';
import { convGemmForward } from '../kernels/convGemm';
import { col2imWasm, im2colWasm, maxPoolWasm } from '../kernels/convWasm';
import {
  absLoop,
  addLoop,
  binaryKernel,
  copyLoop,
  divLoop,
  eqLoop,
  expLoop,
  geLoop,
  gtLoop,
  leLoop,
  logLoop,
  ltLoop,
  maximumLoop,
  minimumLoop,
  mulLoop,
  negLoop,
  neLoop,
  reluLoop,
  sigmoidLoop,
  sqrtLoop,
  squareLoop,
  subLoop,
  tanhLoop,
  unaryKernel,
} from '../kernels/elementwise';
import { col2im, im2col } from '../kernels/im2col';
import { inverse } from '../kernels/linalg/inverse';
import { solve } from '../kernels/linalg/luSolve';
import { pseudoInverse } from '../kernels/linalg/pseudoInverse';
import { symmetricEigen } from '../kernels/linalg/symmetricEigen';
import { biasReluLoop, maskRowsLoop } from '../kernels/linearPassesLoops';
import { biasReluWasm, maskRowsWasm } from '../kernels/linearPassesWasm';
import { matmulFloat } from '../kernels/matmulFloat';
import { matmulFloatWasm } from '../kernels/matmulWasm';
import { adagradWasm, adamWasm, rmspropWasm, sgdMomentumWasm } from '../kernels/optimizerUpdatesWasm';
import { permuteKernel } from '../kernels/permute';
import { maxPool } from '../kernels/pool';
import { argReduceKernel, reduceKernel } from '../kernels/reduce';
import { combineRowsLoop, gramRowsLoop } from '../kernels/rowProducts';
import { combineRowsWasm, gramRowsWasm } from '../kernels/rowProductsWasm';
import { squaredErrorSum } from '../kernels/squaredError';
import { backend, type KernelName, type KernelPlacement, placement, type WasmKernelName } from './backend';

/** A kernel: its name, and its implementations (`js` always, `wasm` for the kernels with a WebAssembly build). */
export interface KernelEntry<F, W extends F | undefined = F | undefined> {
  readonly name: KernelName;
  readonly js: F;
  readonly wasm: W;
  /** Where the kernel runs, when it has a `wasm` implementation (kept by `backend.ts`). */
  readonly placement: KernelPlacement | undefined;
}

/** `matmul`: a float product after `matmulKernel`'s checks (`kernels/matmulFloat.ts`). */
export type MatmulKernel = typeof matmulFloat;

/** `linearPasses`: the two passes of a fused linear + relu (`kernels/linearPasses.ts`). */
export interface LinearPassesKernel {
  biasRelu: typeof biasReluLoop;
  maskRows: typeof maskRowsLoop;
}

/**
 * `optimizerUpdates`: the float32 optimizer updates in place (`kernels/optimizerUpdates.ts`),
 * each returning whether it ran.
 */
export interface OptimizerUpdatesKernel {
  adam: typeof adamWasm;
  sgdMomentum: typeof sgdMomentumWasm;
  rmsprop: typeof rmspropWasm;
  adagrad: typeof adagradWasm;
}

// Every entry is made by this one object literal, so all share one shape: `getKernel` stays monomorphic.
function entry<N extends KernelName, F, W extends F | undefined>(
  name: N,
  js: F,
  wasm: W,
  where: KernelPlacement | undefined,
): KernelEntry<F, W> & { readonly name: N } {
  return { name, js, wasm, placement: where };
}

function jsOnly<N extends KernelName, F>(name: N, js: F) {
  return entry(name, js, undefined, undefined);
}

function withWasm<N extends WasmKernelName, F>(name: N, js: F, wasm: NoInfer<F>) {
  return entry<N, F, F>(name, js, wasm, placement(name));
}

const linearPassesJs: LinearPassesKernel = { biasRelu: biasReluLoop, maskRows: maskRowsLoop };
const linearPassesWasm: LinearPassesKernel = { biasRelu: biasReluWasm, maskRows: maskRowsWasm };

/**
 * `directConv`: convolution without a column matrix (`kernels/convDirect.ts`), each function
 * returning whether it ran; the `js` ones never do (the op then runs im2col and the product).
 */
export interface DirectConvKernel {
  forward: typeof convDirectForward;
  weightGrad: typeof convDirectWeightGrad;
}

const declined = (): boolean => false;
const directConvJs: DirectConvKernel = { forward: declined, weightGrad: declined };
const directConvWasm: DirectConvKernel = { forward: convDirectForward, weightGrad: convDirectWeightGrad };

/**
 * `convGemm`: a convolution's forward as one product whose B is packed straight from the input
 * (`kernels/convGemm.ts`), returning whether it ran; the `js` one never does (the op then runs
 * im2col and the product).
 */
export type ConvGemmKernel = typeof convGemmForward;

/** `rowProducts`: the Gramian and a weighted sum of the rows of a small matrix (`kernels/rowProducts.ts`). */
export interface RowProductsKernel {
  gram: typeof gramRowsLoop;
  combine: typeof combineRowsLoop;
}

/** The `js` optimizer updates run nothing: the TypeScript updates are @mtl/optim's, run when these return false. */
const leftToOptim = (): boolean => false;
const optimizerUpdatesJs: OptimizerUpdatesKernel = {
  adam: leftToOptim,
  sgdMomentum: leftToOptim,
  rmsprop: leftToOptim,
  adagrad: leftToOptim,
};
const optimizerUpdatesWasm: OptimizerUpdatesKernel = {
  adam: adamWasm,
  sgdMomentum: sgdMomentumWasm,
  rmsprop: rmspropWasm,
  adagrad: adagradWasm,
};

const table = {
  matmul: withWasm('matmul', matmulFloat, matmulFloatWasm),
  linearPasses: withWasm('linearPasses', linearPassesJs, linearPassesWasm),
  optimizerUpdates: withWasm('optimizerUpdates', optimizerUpdatesJs, optimizerUpdatesWasm),
  im2col: withWasm('im2col', im2col, im2colWasm),
  col2im: withWasm('col2im', col2im, col2imWasm),
  maxPool: withWasm('maxPool', maxPool, maxPoolWasm),
  directConv: withWasm('directConv', directConvJs, directConvWasm),
  convGemm: withWasm('convGemm', declined as ConvGemmKernel, convGemmForward),
  rowProducts: withWasm(
    'rowProducts',
    { gram: gramRowsLoop, combine: combineRowsLoop } as RowProductsKernel,
    { gram: gramRowsWasm, combine: combineRowsWasm } as RowProductsKernel,
  ),
  binary: jsOnly('binary', binaryKernel),
  add: jsOnly('add', addLoop),
  sub: jsOnly('sub', subLoop),
  mul: jsOnly('mul', mulLoop),
  div: jsOnly('div', divLoop),
  maximum: jsOnly('maximum', maximumLoop),
  minimum: jsOnly('minimum', minimumLoop),
  eq: jsOnly('eq', eqLoop),
  ne: jsOnly('ne', neLoop),
  lt: jsOnly('lt', ltLoop),
  le: jsOnly('le', leLoop),
  gt: jsOnly('gt', gtLoop),
  ge: jsOnly('ge', geLoop),
  copy: jsOnly('copy', copyLoop),
  unary: jsOnly('unary', unaryKernel),
  neg: jsOnly('neg', negLoop),
  abs: jsOnly('abs', absLoop),
  square: jsOnly('square', squareLoop),
  exp: jsOnly('exp', expLoop),
  log: jsOnly('log', logLoop),
  sqrt: jsOnly('sqrt', sqrtLoop),
  tanh: jsOnly('tanh', tanhLoop),
  relu: jsOnly('relu', reluLoop),
  sigmoid: jsOnly('sigmoid', sigmoidLoop),
  reduce: jsOnly('reduce', reduceKernel),
  argReduce: jsOnly('argReduce', argReduceKernel),
  squaredError: jsOnly('squaredError', squaredErrorSum),
  permute: jsOnly('permute', permuteKernel),
  inverse: jsOnly('inverse', inverse),
  solve: jsOnly('solve', solve),
  pseudoInverse: jsOnly('pseudoInverse', pseudoInverse),
  symmetricEigen: jsOnly('symmetricEigen', symmetricEigen),
} satisfies {
  readonly [K in KernelName]: KernelEntry<unknown, K extends WasmKernelName ? object : undefined> & {
    name: K;
  };
};

/** The implementation type of kernel `K`. */
export type Kernel<K extends KernelName> = (typeof table)[K]['js'];

/** The registry: every kernel, by name. Ops pass an entry to `getKernel` (`getKernel(KERNELS.add)`). */
export const KERNELS: { readonly [K in KernelName]: KernelEntry<Kernel<K>> } = table;

/**
 * The implementation of `kernel` (an entry of `KERNELS`) on the current backend: `wasm` where
 * the kernel has one and `backend(kernel.name)` is `'wasm'`, else `js`. Call it on every op
 * call, not once at load.
 */
export function getKernel<F>(kernel: KernelEntry<F>): F {
  const wasm = kernel.wasm;
  if (wasm === undefined) return kernel.js;
  return (kernel.placement?.runs ?? backend(kernel.name)) === 'wasm' ? wasm : kernel.js;
}

/**
 * Runs `fn` with `impl` as kernel `name` (on both backends), then restores the registered
 * implementations, also when `fn` throws. For tests: a spy, or a kernel that computes something
 * else, shows that an op looks its kernel up. `fn` must be synchronous.
 */
export function withKernelForTests<K extends KernelName, R>(name: K, impl: Kernel<K>, fn: () => R): R {
  const entries = table as Record<KernelName, KernelEntry<unknown>>;
  const saved = entries[name];
  entries[name] = entry(name as KernelName, impl as unknown, undefined, undefined);
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError('withKernelForTests: fn must be synchronous');
    return result;
  } finally {
    entries[name] = saved;
  }
}
