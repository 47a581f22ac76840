import { afterEach, describe, expect, it } from 'vitest';
import { expectTyped } from '../../../../tools/testing/expectTyped';
import { setBackend } from '../backend/backend';
import { availableVariants } from '../backend/kernelModule';
import { onesLike } from '../creation/fill';
import { randn } from '../creation/random';
import { tensor } from '../creation/tensor';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { Generator } from '../random/Generator';
import { interpolate } from './interpolate';
import { adaptiveAvgPool2d, avgPool2d, maxPool1d, maxPool2d, maxPool2dBackward } from './pool';

const g = new Generator(17);
const x = randn([2, 3, 6, 6], { generator: g });

afterEach(() => setBackend('wasm'));

describe('pooling and interpolate', () => {
  it('maxPool2d gives the same values and indices on every kernel variant and TypeScript', () => {
    // Ties, NaN and −∞ in every window position; odd sizes; the 2×2 fast path and the general one.
    const values = [0, 1, 1, Number.NaN, -Infinity, 2, 2, -1];
    const data = Float32Array.from({ length: 3 * 5 * 9 * 11 }, (_, i) => values[(i * 7 + (i >> 3)) % 8]!);
    const input = tensor(data, { shape: [3, 5, 9, 11] });
    const options = [
      { kernelSize: 2 },
      { kernelSize: 2, ceilMode: true },
      { kernelSize: 3, stride: 2, padding: 1, dilation: [2, 1] },
      { kernelSize: [1, 4], stride: [3, 1] },
    ];
    for (const o of options) {
      setBackend('js');
      const [v, idx] = maxPool2d(input, { ...o, returnIndices: true });
      for (const variant of availableVariants()) {
        setBackend('wasm', { variant });
        const [w, widx] = maxPool2d(input, { ...o, returnIndices: true });
        expect(Array.from(w.data), `${JSON.stringify(o)} on ${variant}`).toEqual(Array.from(v.data));
        expect(Array.from(widx.data)).toEqual(Array.from(idx.data));
      }
    }
  });

  it('maxPool2d returns int32 indices that its backward routes gradients by', () => {
    const [values, indices] = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    expect(values.shape).toEqual([2, 3, 3, 3]);
    expect(indices.dtype).toBe('int32');
    const dx = maxPool2dBackward(onesLike(values), x, indices);
    // Non-overlapping windows: exactly one 1 per window.
    expect(dx.sum().item()).toBe(2 * 3 * 9);
  });

  it('refuses bad input with typed errors naming the shapes and the fix', () => {
    const [, indices] = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    const wrong = indices.clone();
    (wrong.data as Int32Array)[5] = 36;
    expectTyped(
      () => maxPool2dBackward(onesLike(wrong.to('float32')), x, wrong),
      ValueError,
      'maxPool2dBackward: indices[5] = 36 is outside an input plane of 36 elements',
    );
    expectTyped(() => maxPool2d(x, {} as never), ValueError, 'maxPool2d: options.kernelSize is required');
    expectTyped(
      () => maxPool2d(x, { kernelSize: 2, padding: 2 }),
      ValueError,
      'maxPool2d: padding must be at most half the kernel size',
    );
    expectTyped(
      () => maxPool2d(x, { kernelSize: 7 }),
      ShapeError,
      'maxPool2d: the window',
      'is larger than the padded input 6×6',
    );
    expectTyped(
      () => maxPool1d(x, { kernelSize: 2 }),
      ShapeError,
      'maxPool1d: x must be [N, C, L] or [C, L] — got x.shape=[2,3,6,6]',
    );
    expectTyped(
      () => maxPool2d(x, { kernelSize: 2, stride: -1 }),
      ValueError,
      'maxPool2d: stride must be a positive integer',
    );
    expectTyped(() => avgPool2d(x, { kernelSize: 2, dilation: 2 } as never), ValueError, 'avgPool2d');
    expectTyped(
      () => avgPool2d(tensor([[[[1, 2]]]], { dtype: 'int32' }), { kernelSize: 1 }),
      DTypeError,
      "avgPool2d: x must be float32 or float64 — got a int32 tensor (cast it: x.to('float32'))",
    );
    expectTyped(
      () => adaptiveAvgPool2d(x, [2, 2, 2] as never),
      ValueError,
      'adaptiveAvgPool2d: outputSize must be a number or [h, w]',
    );
    expectTyped(
      () => interpolate(x, { size: 4, scaleFactor: 2 }),
      ValueError,
      'interpolate: give exactly one of options.size and options.scaleFactor',
    );
    expectTyped(
      () => interpolate(x, { size: 4, alignCorners: true }),
      ValueError,
      "interpolate: alignCorners applies only to 'linear' and 'bilinear' modes",
    );
    expectTyped(
      () => interpolate(randn([2, 3, 5], { generator: g }), { size: 4, mode: 'bilinear' }),
      ShapeError,
      "interpolate: mode 'bilinear' needs a 4-d [N, C, H, W] x",
      "(use 'linear')",
    );
    expectTyped(
      () => interpolate(x, { scaleFactor: 0.1 }),
      ValueError,
      'interpolate: scaleFactor 0.1 gives an empty output',
    );
  });
});
