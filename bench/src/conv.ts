/**
 * conv2d, float32: @mtl/tensor against TensorFlow.js's CPU and WASM backends in one process.
 *
 * Forward rows: ours `conv2d(x, w, b, { padding })` (x NCHW, w [O, C, kH, kW]) against
 * `tf.add(tf.conv2d(x, w, 1, padding), b)` (x NHWC, w HWIO: both transposed once, at setup), read
 * back with `dataSync()`. Backward rows: ours `conv2dBackward(x, w, gradOut)` (all three
 * gradients) against TF.js's own kernels for them — `Conv2DBackpropInput`, `Conv2DBackpropFilter`
 * (what `tf.grad` of `conv2d` runs) and a sum over N, H, W for the bias; TF.js's WASM backend has
 * no `Conv2DBackpropFilter`, so it is tried once at setup and reported unavailable with TF.js's
 * own message.
 *
 * GFLOP/s = 2·N·O·C·kH·kW·Hout·Wout per forward call, twice that per backward call (the input
 * and weight gradients; the bias sum is not counted). Before timing, every contender's result is
 * checked against tfjs-cpu's to 1e-3 (|a − b| / max(1, |b|)).
 */
import { conv2d, conv2dBackward, Generator, randn, setMatmulThreads, Tensor } from '@mtl/tensor';
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, Contender } from './harness';
import { initTfjs } from './matmul';

export interface ConvShape {
  name: string;
  batch: number;
  inChannels: number;
  height: number;
  width: number;
  outChannels: number;
  kernel: number;
  padding: number;
  /** Times the gradients (input, weight, bias) for a random output gradient instead of the forward. */
  backward: boolean;
}

function shape(
  name: string,
  [batch, inChannels, height, width]: readonly number[],
  [outChannels, kernel]: readonly number[],
  padding: number,
  backward = false,
): ConvShape {
  return {
    name,
    batch: batch!,
    inChannels: inChannels!,
    height: height!,
    width: width!,
    outChannels: outChannels!,
    kernel: kernel!,
    padding,
    backward,
  };
}

/** MultiLeNet's two convolutions (batch 256) and a 3×3 64→64 layer of a small ResNet/VGG. */
export const convShapes: ConvShape[] = [
  shape('fwd LeNet-1 256×1×28×28 → 10×5×5', [256, 1, 28, 28], [10, 5], 0),
  shape('fwd LeNet-2 256×10×12×12 → 20×5×5', [256, 10, 12, 12], [20, 5], 0),
  shape('fwd 32×64×32×32 → 64×3×3 pad 1', [32, 64, 32, 32], [64, 3], 1),
  shape('bwd LeNet-1 256×1×28×28 → 10×5×5', [256, 1, 28, 28], [10, 5], 0, true),
  shape('bwd LeNet-2 256×10×12×12 → 20×5×5', [256, 10, 12, 12], [20, 5], 0, true),
];

export const convContenders = ['mtl', 'tfjs-cpu', 'tfjs-wasm'] as const;
export const convRatios = [
  ['mtl', 'tfjs-wasm'],
  ['mtl', 'tfjs-cpu'],
] as const;

export function outSize(s: ConvShape): [number, number] {
  return [s.height + 2 * s.padding - s.kernel + 1, s.width + 2 * s.padding - s.kernel + 1];
}

/** 2·N·O·C·kH·kW·Hout·Wout for the forward; twice that for the backward (∂x and ∂w). */
export function convFlops(s: ConvShape): number {
  const [oh, ow] = outSize(s);
  const forward = 2 * s.batch * s.outChannels * s.inChannels * s.kernel * s.kernel * oh * ow;
  return s.backward ? 2 * forward : forward;
}

/** NHWC (TF.js) → NCHW (ours), for the check. */
function nhwcToNchw(v: ArrayLike<number>, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = v[((b * h + y) * w + x) * c + k]!;
  return out;
}

/** HWIO (TF.js filter) → OIHW (ours). */
function hwioToOihw(v: ArrayLike<number>, o: number, i: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(o * i * kh * kw);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((a * i + b) * kh + y) * kw + x] = v[((y * kw + x) * i + b) * o + a]!;
  return out;
}

/** Largest |x - y| / max(1, |y|) over two equal-length arrays (NaN or a length mismatch → Infinity). */
function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

type TfValues = Float32Array | Int32Array | Uint8Array;

/** The case for one shape: the same seeded tensors on every side, checked against tfjs-cpu to 1e-3. */
export async function convCase(s: ConvShape, seed = 0): Promise<BenchCase> {
  await initTfjs();
  const { batch: n, inChannels: c, height: h, width: w, outChannels: o, kernel: k, padding, backward } = s;
  const [oh, ow] = outSize(s);
  const g = new Generator(seed);
  const x = randn([n, c, h, w], { generator: g });
  const weight = randn([o, c, k, k], { generator: g });
  const bias = randn([o], { generator: g });
  const gradOut = randn([n, o, oh, ow], { generator: g });
  const options = { padding };

  const contenders: Contender[] = [
    {
      name: 'mtl',
      activate: () => setMatmulThreads(1),
      run: backward
        ? () => conv2dBackward(x, weight, gradOut, options)
        : () => conv2d(x, weight, bias, options),
    },
  ];
  const unavailable: Record<string, string> = {};
  const tensors: tf.Tensor[] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    // Transposed once here, never inside the timed call.
    const [tx, tw, tdy] = tf.tidy(() => [
      tf.transpose(
        tf.tensor4d(Float32Array.from(x.data as Float32Array), [n, c, h, w]),
        [0, 2, 3, 1],
      ) as tf.Tensor4D,
      tf.transpose(
        tf.tensor4d(Float32Array.from(weight.data as Float32Array), [o, c, k, k]),
        [2, 3, 1, 0],
      ) as tf.Tensor4D,
      tf.transpose(
        tf.tensor4d(Float32Array.from(gradOut.data as Float32Array), [n, o, oh, ow]),
        [0, 2, 3, 1],
      ) as tf.Tensor4D,
    ]);
    const tb = tf.tensor1d(Float32Array.from(bias.data as Float32Array));
    tensors.push(tx!, tw!, tdy!, tb);
    let run: () => TfValues | TfValues[];
    if (!backward) {
      run = () => {
        const y = tf.tidy(() => tf.add(tf.conv2d(tx!, tw!, 1, padding), tb));
        const values = y.dataSync();
        y.dispose();
        return values;
      };
    } else {
      const strides: [number, number] = [1, 1];
      run = () => {
        const grads = tf.tidy(() => [
          tf
            .engine()
            .runKernel(
              tf.Conv2DBackpropInput,
              { dy: tdy!, filter: tw! },
              { strides, pad: padding, dataFormat: 'NHWC', inputShape: [n, h, w, c] },
            ) as tf.Tensor,
          tf
            .engine()
            .runKernel(
              tf.Conv2DBackpropFilter,
              { x: tx!, dy: tdy! },
              { strides, pad: padding, dataFormat: 'NHWC', filterShape: [k, k, c, o] },
            ) as tf.Tensor,
          tf.sum(tdy!, [0, 1, 2]),
        ]);
        const values = grads.map((t) => t.dataSync());
        for (const t of grads) t.dispose();
        return values;
      };
      try {
        run(); // the WASM backend lacks Conv2DBackpropFilter: say so instead of crashing
      } catch (e) {
        unavailable[`tfjs-${backend}`] = e instanceof Error ? e.message : String(e);
        continue;
      }
    }
    contenders.push({
      name: `tfjs-${backend}`,
      activate: () => tf.setBackend(backend).then(() => undefined),
      run,
    });
  }

  const asNchw = (name: string, out: unknown): Float32Array[] => {
    if (name === 'mtl') {
      if (out instanceof Tensor) return [out.data as Float32Array];
      const r = out as { input: Tensor; weight: Tensor; bias: Tensor };
      return [r.input.data as Float32Array, r.weight.data as Float32Array, r.bias.data as Float32Array];
    }
    if (!backward) return [nhwcToNchw(out as TfValues, n, oh, ow, o)];
    const [dx, dw, db] = out as TfValues[];
    return [nhwcToNchw(dx!, n, h, w, c), hwioToOihw(dw!, o, c, k, k), Float32Array.from(db!)];
  };

  return {
    name: s.name,
    flops: convFlops(s),
    contenders,
    unavailable: Object.keys(unavailable).length > 0 ? unavailable : undefined,
    check: (outputs) => {
      const reference = asNchw('tfjs-cpu', outputs.get('tfjs-cpu'));
      const parts = backward ? ['input', 'weight', 'bias'] : ['output'];
      for (const [name, out] of outputs) {
        asNchw(name, out).forEach((values, i) => {
          const diff = maxRelDiff(values, reference[i]!);
          if (!(diff <= 1e-3))
            throw new Error(`conv ${s.name}: ${name}'s ${parts[i]} differs from tfjs-cpu's by ${diff}`);
        });
      }
    },
    teardown: () => {
      for (const t of tensors) t.dispose();
    },
  };
}
