import { afterEach, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/backend';
import { availableVariants } from '../backend/kernelModule';
import { KERNELS, withKernelForTests } from '../backend/registry';
import { randn } from '../creation/random';
import { conv2d } from '../ops/conv';
import { Generator } from '../random/Generator';
import type { Tensor } from '../Tensor';
import { setConvGemmChunkBytes } from './convGemm';
import { setMatmulThreads } from './matmulThreads';

const g = new Generator(61);
const f32 = (shape: number[]) => randn(shape, { generator: g });

afterEach(() => {
  setBackend('wasm');
  setMatmulThreads('auto');
});

/** conv2d, and whether the convGemm kernel computed it. */
function traced(x: Tensor, w: Tensor, b: Tensor | null, options: Parameters<typeof conv2d>[3]) {
  const real = KERNELS.convGemm.wasm!;
  let ran = false;
  const spy: typeof real = (...args) => {
    const done = real(...args);
    ran ||= done;
    return done;
  };
  const y = withKernelForTests('convGemm', spy, () => conv2d(x, w, b, options));
  return { y, ran };
}

function worstRelative(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < x.length; i++)
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return worst;
}

// Shapes the direct kernel leaves to this one (over 512 taps, or a stride), chosen to reach every
// branch of the packer: strips inside a row, strips across rows (output widths not a multiple of
// 8), 1-pixel images, strides and dilations, asymmetric padding, output channels not a multiple of 4.
const cases: [string, number[], number[], Parameters<typeof conv2d>[3]][] = [
  ['a 3×3 64→64 layer, padding 1', [2, 64, 16, 16], [64, 64, 3, 3], { padding: 1 }],
  ['1-pixel images, 65 channels', [3, 65, 1, 1], [3, 65, 3, 3], { padding: 1 }],
  ['width 13 (strips across rows), 9 outputs', [3, 70, 5, 13], [9, 70, 3, 3], { padding: 1 }],
  ['stride 2, 5 channels', [2, 5, 17, 16], [7, 5, 3, 3], { stride: 2, padding: 1 }],
  ['stride [1, 3], dilation [2, 1]', [2, 3, 11, 29], [5, 3, 3, 4], { stride: [1, 3], dilation: [2, 1] }],
  ["'same' with a 2×4 kernel (asymmetric padding)", [2, 67, 6, 19], [5, 67, 2, 4], { padding: 'same' }],
  ['dilation 2 in W, padding [0, 2]', [1, 64, 7, 24], [6, 64, 3, 3], { dilation: [1, 2], padding: [0, 2] }],
  ['many small samples in one product', [40, 66, 3, 3], [4, 66, 3, 3], { padding: 1 }],
];

describe('convGemm: a convolution as one product packed from the image', () => {
  it.each(cases)('%s: runs, and matches TypeScript on every variant', (_, xs, ws, options) => {
    const x = f32(xs);
    const w = f32(ws);
    for (const b of [f32([ws[0]!]), null]) {
      setBackend('js');
      const reference = conv2d(x, w, b, options);
      for (const variant of availableVariants()) {
        setBackend('wasm', { variant });
        setMatmulThreads(1);
        const { y, ran } = traced(x, w, b, options);
        expect(ran).toBe(true);
        // float32 sums of up to 1,000 products of N(0, 1) values, against TypeScript's float64 ones.
        expect(worstRelative(y, reference)).toBeLessThan(1e-4);
        // The same sums as im2col and the product on this variant: the same bits.
        setBackend('js', { kernels: ['convGemm'] });
        expect(Array.from(y.data)).toEqual(Array.from(conv2d(x, w, b, options).data));
      }
    }
  });

  it('splits the batch into chunks (the last one partial) with the same bits', () => {
    const x = f32([7, 66, 3, 12]);
    const w = f32([6, 66, 3, 3]);
    const b = f32([6]);
    setMatmulThreads(1);
    const whole = conv2d(x, w, b, { padding: 1 });
    // Bytes per sample: input, padded input, product and output.
    const previous = setConvGemmChunkBytes(3 * 4 * (66 * 3 * 12 + 66 * 5 * 14 + 2 * 6 * 3 * 12)); // 3 samples
    try {
      const { y, ran } = traced(x, w, b, { padding: 1 });
      expect(ran).toBe(true);
      expect(Array.from(y.data)).toEqual(Array.from(whole.data));
    } finally {
      setConvGemmChunkBytes(previous);
    }
  });

  it("gives the im2col path's bits without a bias, with −0, NaN and Infinity in the input", () => {
    const x = f32([1, 64, 3, 8]);
    const w = f32([4, 64, 3, 3]);
    (w.data as Float32Array).fill(0, 0, 64 * 9); // output channel 0: all products +0 or −0
    (x.data as Float32Array).fill(-0);
    (x.data as Float32Array)[5] = Number.NaN;
    (x.data as Float32Array)[100] = Number.POSITIVE_INFINITY;
    setMatmulThreads(1);
    const { y, ran } = traced(x, w, null, { padding: 1 });
    expect(ran).toBe(true);
    setBackend('js', { kernels: ['convGemm'] });
    expect(Array.from(y.data)).toEqual(Array.from(conv2d(x, w, null, { padding: 1 }).data));
  });
});
