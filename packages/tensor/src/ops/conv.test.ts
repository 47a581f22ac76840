import { afterEach, describe, expect, it } from 'vitest';
import { expectTyped } from '../../../../tools/testing/expectTyped';
import { setBackend } from '../backend/backend';
import { availableVariants } from '../backend/kernelModule';
import { randn } from '../creation/random';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { setDirectChunkBytes } from '../kernels/convDirect';
import { Generator } from '../random/Generator';
import type { Tensor } from '../Tensor';
import { concat } from './concat';
import { conv1d, conv2d, conv2dBackward } from './conv';
import { narrow } from './slice';

const g = new Generator(16);
const f32 = (shape: number[]) => randn(shape, { generator: g });
const f64 = (shape: number[]) => randn(shape, { generator: g, dtype: 'float64' });

function close(a: Tensor, b: Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < x.length; i++)
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  expect(worst).toBeLessThan(tol);
}

afterEach(() => setBackend('wasm'));

describe('conv2d', () => {
  it('computes a large batch in chunks that match sample-by-sample results', () => {
    // 40 samples of 3×30×30 with a 5×5 kernel: 75 rows × 676 positions per sample, so a chunk
    // holds 5 samples and the batch spans 8 chunks (the last one partial).
    const x = f64([41, 3, 30, 30]);
    const w = f64([4, 3, 5, 5]);
    const b = f64([4]);
    const whole = conv2d(x, w, b, { padding: 1 });
    const each = concat(
      Array.from({ length: 41 }, (_, n) => conv2d(narrow(x, 0, n, 1), w, b, { padding: 1 })),
      0,
    );
    close(whole, each, 1e-12);
    const gOut = f64(whole.shape as number[]);
    const grads = conv2dBackward(x, w, gOut, { padding: 1 });
    const parts = Array.from({ length: 41 }, (_, n) =>
      conv2dBackward(narrow(x, 0, n, 1), w, narrow(gOut, 0, n, 1), { padding: 1 }),
    );
    close(
      grads.input!,
      concat(
        parts.map((p) => p.input!),
        0,
      ),
      1e-12,
    );
    let dw = parts[0]!.weight!;
    for (const p of parts.slice(1)) dw = dw.add(p.weight!);
    close(grads.weight!, dw, 1e-10);
  });

  it('gives the same float32 values on every kernel variant and TypeScript at awkward sizes', () => {
    const cases: [number[], number[], Parameters<typeof conv2d>[3]][] = [
      [[3, 5, 7, 9], [7, 5, 3, 2], { stride: [2, 1], padding: 1 }],
      [[2, 6, 1, 1], [4, 3, 1, 1], { groups: 2 }],
      [[1, 3, 11, 4], [3, 1, 3, 3], { groups: 3, dilation: 2, padding: 'same' }],
      [[64, 1, 28, 28], [10, 1, 5, 5], {}],
      [[5, 2, 9, 9], [3, 2, 2, 2], { stride: 4 }],
      // Direct kernel: asymmetric 'same' padding, a width that is not a multiple of 4, no bias.
      [[3, 2, 7, 10], [5, 2, 3, 4], { padding: 'same' }],
      [[4, 3, 5, 6], [6, 3, 5, 2], { padding: [2, 0] }],
    ];
    for (const [xs, ws, options] of cases) {
      const x = f32(xs);
      const w = f32(ws);
      const b = f32([ws[0]!]);
      setBackend('js');
      const reference = conv2d(x, w, b, options);
      const grads = conv2dBackward(x, w, reference, options);
      for (const variant of availableVariants()) {
        setBackend('wasm', { variant });
        close(conv2d(x, w, b, options), reference, 1e-5);
        const fastGrads = conv2dBackward(x, w, reference, options);
        close(fastGrads.input!, grads.input!, 1e-4);
        close(fastGrads.weight!, grads.weight!, 1e-4);
      }
    }
  });

  it('splits a batch into chunks on the direct kernel with the same results', () => {
    const x = f32([9, 2, 7, 10]);
    const w = f32([5, 2, 3, 3]);
    const b = f32([5]);
    const whole = conv2d(x, w, b, { padding: 1 });
    const gOut = f32(whole.shape as number[]);
    const grads = conv2dBackward(x, w, gOut, { padding: 1 });
    const previous = setDirectChunkBytes(3000); // one sample per chunk
    try {
      close(conv2d(x, w, b, { padding: 1 }), whole, 1e-6);
      const chunked = conv2dBackward(x, w, gOut, { padding: 1 });
      close(chunked.input!, grads.input!, 1e-6);
      close(chunked.weight!, grads.weight!, 1e-5);
    } finally {
      setDirectChunkBytes(previous);
    }
  });

  it('refuses bad input with typed errors naming the shapes and the fix', () => {
    const x = f32([2, 3, 8, 8]);
    expectTyped(
      () => conv2d(f32([3, 8]), f32([4, 3, 3, 3])),
      ShapeError,
      'conv2d: x must be [N, C, H, W] or [C, H, W] — got x.shape=[3,8]',
    );
    expectTyped(
      () => conv2d(x, f32([4, 3, 3])),
      ShapeError,
      'conv2d: weight must be [out, in/groups, kH, kW] — got weight.shape=[4,3,3]',
    );
    expectTyped(
      () => conv2d(x, f32([4, 2, 3, 3])),
      ShapeError,
      'conv2d: x has 3 channels but weight expects in/groups · groups = 2 · 1 = 2 (x.shape=[2,3,8,8], weight.shape=[4,2,3,3])',
    );
    expectTyped(
      () => conv2d(f32([2, 4, 8, 8]), f32([3, 2, 3, 3]), null, { groups: 2 }),
      ShapeError,
      "conv2d: weight's 3 output channels do not split into groups=2",
    );
    expectTyped(
      () => conv2d(x, f32([4, 3, 9, 3])),
      ShapeError,
      'conv2d: the kernel (9×3 with dilation) is larger than the padded input (8×8 padded to 8×8',
    );
    expectTyped(
      () => conv2d(x, f32([4, 3, 3, 3]), null, { stride: 0 }),
      ValueError,
      'conv2d: stride must be a positive integer — got 0',
    );
    expectTyped(
      () => conv2d(x, f32([4, 3, 3, 3]), null, { padding: 'same', stride: 2 }),
      ValueError,
      "conv2d: padding 'same' needs stride 1",
    );
    expectTyped(
      () => conv2d(x, f32([4, 3, 3, 3]), f32([3])),
      ShapeError,
      'conv2d: bias must be [4] (one per output channel) — got bias.shape=[3]',
    );
    expectTyped(
      () => conv2d(x, f64([4, 3, 3, 3])),
      DTypeError,
      "conv2d: weight is float64 but x is float32 — give both the same dtype (e.g. weight.to('float32'))",
    );
    expectTyped(() => conv2d(x, f32([4, 3, 3, 3]), null, { strides: 2 } as never), ValueError, 'conv2d');
    expectTyped(
      () => conv1d(f32([2, 3, 4]), f32([2, 3, 5])),
      ShapeError,
      'conv1d: the kernel (5 with dilation) is larger than the padded input (4 padded to 4',
    );
  });
});
