/**
 * matmul, float32: @mtl/tensor against TensorFlow.js's CPU and WASM backends in one process.
 *
 * Contenders, each timed as whole calls that allocate and return their result:
 * - `mtl`: the public op, `matmul(a, b, { transposeA, transposeB })` (a transposed operand is
 *   passed as stored, no copy), with the default float32 backend: the WASM SIMD kernel;
 * - `mtl-2t`: the same call with `setMatmulThreads(2)`: products of at least 6 Mi multiply-adds
 *   shared with a helper Worker (smaller ones run as `mtl`);
 * - `mtl-js`: the same call with `setBackend('js', { kernels: ['matmul'] })`: the pure-TypeScript
 *   kernel, which is what runs where WebAssembly SIMD is unavailable;
 * - `tfjs-cpu`, `tfjs-wasm`: `tf.tidy(() => tf.matMul(a, b, transposeA, transposeB))`, then
 *   `dataSync()` to read the result back, then `dispose()`.
 */
import { Generator, matmul, rand, setBackend, setMatmulThreads, Tensor } from '@mtl/tensor';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import type { BenchCase, Contender } from './harness';

/** Switches only the matmul kernel (the `mtl-js` column is the TypeScript matmul). */
function setMatmulBackend(backend: 'wasm' | 'js'): void {
  setBackend(backend, { kernels: ['matmul'] });
}

export interface MatmulShape {
  name: string;
  m: number;
  k: number;
  n: number;
  /** The left operand is stored transposed (k×m): Aᵀ·B. */
  transA: boolean;
  /** The right operand is stored transposed (n×k): A·Bᵀ. */
  transB: boolean;
}

function shape(name: string, m: number, k: number, n: number, transA = false, transB = false): MatmulShape {
  return { name, m, k, n, transA, transB };
}

/**
 * Square sizes, two MLP layer shapes (hidden and output layer, batch 256), transposed operands,
 * and the Linear layers of the two training benchmarks (`training.ts`) with the flags autograd's
 * `linear` uses: forward y = x·Wᵀ (transposeB, W stored [out, in]); backward ∂x = G·W and
 * ∂W = Gᵀ·x (transposeA). (The task heads have one output each and use no matmul; ∂x of the
 * first layer is not needed in training but is listed for completeness.)
 */
export const matmulShapes: MatmulShape[] = [
  shape('128×128·128×128', 128, 128, 128),
  shape('256×256·256×256', 256, 256, 256),
  shape('512×512·512×512', 512, 512, 512),
  shape('1024×1024·1024×1024', 1024, 1024, 1024),
  shape('mlp 256×64·64×128', 256, 64, 128),
  shape('mlp 256×128·128×4', 256, 128, 4),
  shape('A·Bᵀ 256', 256, 256, 256, false, true),
  shape('A·Bᵀ 512', 512, 512, 512, false, true),
  shape('Aᵀ·B 256', 256, 256, 256, true, false),
  shape('Aᵀ·B 512', 512, 512, 512, true, false),
  // Seed model 64→128→4×1, batch 256: layer 64→128.
  shape('lin 256×64·(128×64)ᵀ', 256, 64, 128, false, true),
  shape('lin 256×128·128×64', 256, 128, 64),
  shape('lin (256×128)ᵀ·256×64', 128, 256, 64, true, false),
  // Bigger model 256→512→512→8×1, batch 512: layer 256→512, then layer 512→512.
  shape('lin 512×256·(512×256)ᵀ', 512, 256, 512, false, true),
  shape('lin 512×512·512×256', 512, 512, 256),
  shape('lin (512×512)ᵀ·512×256', 512, 512, 256, true, false),
  shape('lin 512×512·(512×512)ᵀ', 512, 512, 512, false, true),
  shape('lin 512×512·512×512', 512, 512, 512),
  shape('lin (512×512)ᵀ·512×512', 512, 512, 512, true, false),
];

export const matmulContenders = ['mtl', 'mtl-2t', 'mtl-js', 'tfjs-cpu', 'tfjs-wasm'] as const;

export const matmulRatios = [
  ['mtl', 'tfjs-wasm'],
  ['mtl-2t', 'tfjs-wasm'],
  ['mtl-2t', 'mtl'],
  ['mtl', 'tfjs-cpu'],
  ['mtl-js', 'tfjs-cpu'],
  ['mtl', 'mtl-js'],
] as const;

let tfReady: Promise<void> | undefined;

/** Registers the WASM binaries from the installed package (Node needs a file-system path). */
export function initTfjs(): Promise<void> {
  tfReady ??= (async () => {
    tf.enableProdMode(); // skips debug checks and the "use tfjs-node" banner
    const require = createRequire(import.meta.url);
    const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${wasmDir}/`);
    for (const backend of ['wasm', 'cpu']) {
      if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialise`);
    }
  })();
  return tfReady;
}

/** Largest |x - y| / max(1, |y|) over two equal-length arrays. */
function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++)
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return worst;
}

/**
 * Builds the case for one shape: the same seeded inputs for every contender, and a check that
 * all of them agree with tfjs-cpu to 1e-4 (relative, or absolute below 1).
 */
export async function matmulCase(s: MatmulShape, seed = 0): Promise<BenchCase> {
  await initTfjs();
  const { m, k, n, transA, transB } = s;
  const generator = new Generator(seed);
  const a = rand(transA ? [k, m] : [m, k], { generator }); // stored as the kernel and TF.js expect
  const b = rand(transB ? [n, k] : [k, n], { generator });
  const aData = a.data as Float32Array;
  const bData = b.data as Float32Array;

  const run = (): Tensor => matmul(a, b, { transposeA: transA, transposeB: transB });
  const contenders: Contender[] = [
    {
      name: 'mtl',
      activate: () => {
        setMatmulBackend('wasm');
        setMatmulThreads(1);
      },
      run,
    },
    {
      name: 'mtl-2t',
      activate: () => {
        setMatmulBackend('wasm');
        setMatmulThreads(2);
      },
      run,
    },
    {
      name: 'mtl-js',
      activate: () => {
        setMatmulBackend('js');
        setMatmulThreads(1);
      },
      run,
    },
  ];
  const tensors: tf.Tensor[] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const ta = tf.tensor2d(aData, transA ? [k, m] : [m, k]);
    const tb = tf.tensor2d(bData, transB ? [n, k] : [k, n]);
    tensors.push(ta, tb);
    const run = (): Float32Array | Int32Array | Uint8Array => {
      const c = tf.tidy(() => tf.matMul(ta, tb, transA, transB));
      const values = c.dataSync();
      c.dispose();
      return values;
    };
    contenders.push({
      name: `tfjs-${backend}`,
      activate: () => tf.setBackend(backend).then(() => undefined),
      run,
    });
  }
  return {
    name: s.name,
    flops: 2 * m * n * k,
    contenders,
    check: (outputs) => {
      const valuesOf = (name: string) => {
        const out = outputs.get(name);
        return (out instanceof Tensor ? out.data : out) as ArrayLike<number>;
      };
      const reference = valuesOf('tfjs-cpu');
      for (const name of outputs.keys()) {
        const diff = maxRelDiff(valuesOf(name), reference);
        if (!(diff <= 1e-4)) throw new Error(`matmul ${s.name}: ${name} differs from tfjs-cpu by ${diff}`);
      }
    },
    teardown: () => {
      for (const t of tensors) t.dispose();
      setMatmulBackend('wasm');
      setMatmulThreads(1);
    },
  };
}
