import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../../tools/testing/expectTyped';
import { randn } from '../creation/random';
import { tensor } from '../creation/tensor';
import type { DType } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { Generator } from '../random/Generator';
import type { Tensor } from '../Tensor';
import { gelu, relu, silu } from './activations';
import { add } from './add';
import { biasActivation } from './biasActivation';
import { LINEAR_ACTIVATIONS, type LinearActivation, linear } from './linear';
import { sigmoid, tanh } from './math';
import { matmul } from './matmul';

const g = new Generator(11);

/** The separate ops linear stands for. */
const activations: Record<LinearActivation, (t: Tensor) => Tensor> = {
  none: (t) => t,
  relu,
  gelu,
  silu,
  tanh,
  sigmoid,
};

function composed(x: Tensor, w: Tensor, b: Tensor | null, activation: LinearActivation): Tensor {
  const y = matmul(x, w, { transposeB: true });
  return activations[activation](b === null ? y : add(y, b));
}

/** Same shape, dtype and every element (Object.is: −0 ≠ +0, NaN = NaN); names the first difference. */
function expectSameBits(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  let i = 0;
  while (i < a.size && Object.is(a.data[i], b.data[i])) i++;
  expect(i === a.size, `element ${i}: ${a.data[i]} vs ${b.data[i]}`).toBe(true);
}

/** Values with zeros, ±0, ±∞, NaN and huge ones mixed in. */
function awkward(n: number, dtype: 'float32' | 'float64'): Tensor {
  const t = randn([n], { generator: g, dtype });
  const specials = [
    0,
    -0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
    1e-45,
    -40,
    40,
    1e30,
  ];
  for (let i = 0; i < n; i += 7) t.data[i] = specials[(i / 7) % specials.length]!;
  return t;
}

describe('linear', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const activation of LINEAR_ACTIVATIONS) {
      it(`equals matmul, add and ${activation}, bit for bit (${dtype})`, () => {
        for (const [xShape, out, withBias] of [
          [[5, 4], 3, true],
          [[5, 4], 3, false],
          [[2, 3, 4], 6, true],
          [[4], 2, true],
          [[0, 4], 2, true],
        ] as const) {
          const x = randn([...xShape], { generator: g, dtype });
          const w = randn([out, 4], { generator: g, dtype });
          const b = withBias ? randn([out], { generator: g, dtype }) : null;
          expectSameBits(linear(x, w, b, { activation }), composed(x, w, b, activation));
        }
      });
    }
  }

  it("defaults to 'none', takes a missing or null bias, and is a method", () => {
    const x = randn([3, 2], { generator: g });
    const w = randn([4, 2], { generator: g });
    const b = randn([4], { generator: g });
    expectSameBits(linear(x, w, b), add(matmul(x, w, { transposeB: true }), b));
    expectSameBits(linear(x, w), linear(x, w, null, {}));
    expectSameBits(x.linear(w, b, { activation: 'gelu' }), linear(x, w, b, { activation: 'gelu' }));
    expect(linear(tensor([1, 2]), tensor([[3, 4]])).toArray()).toEqual([11]);
  });

  it('runs other dtypes through the separate ops, with their result dtype', () => {
    const i32 = { dtype: 'int32' } as const;
    const x = tensor([[1, -2]], i32);
    const w = tensor(
      [
        [3, 1],
        [1, 1],
      ],
      i32,
    );
    const r = linear(x, w, tensor([0, -1], i32), { activation: 'relu' });
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[1, 0]]);
    expect(linear(x, w, null, { activation: 'tanh' }).dtype).toBe('float32');
    const mixed: [DType, DType, DType, DType][] = [
      ['float32', 'float64', 'float32', 'float64'],
      ['float32', 'float32', 'float64', 'float64'],
      ['float64', 'float64', 'float32', 'float64'],
      ['int32', 'float32', 'int32', 'float32'],
    ];
    for (const [xd, wd, bd, want] of mixed) {
      const xs = tensor([[0.5, -1.25, 2]], { dtype: xd === 'int32' ? 'float32' : xd }).to(xd);
      const ws = tensor(
        [
          [1.5, 2, -0.75],
          [0.25, -3, 1],
        ],
        { dtype: wd },
      );
      const bs = tensor([0.5, -2], { dtype: bd === 'int32' ? 'float32' : bd }).to(bd);
      for (const activation of LINEAR_ACTIVATIONS) {
        const got = linear(xs, ws, bs, { activation });
        expect(got.dtype).toBe(want);
        expectSameBits(got, composed(xs, ws, bs, activation));
      }
    }
  });

  it('refuses bad operands, shapes, dtypes and options with typed errors naming linear', () => {
    const x = randn([2, 3], { generator: g });
    const w = randn([4, 3], { generator: g });
    expectTyped(
      () => linear([[1, 2, 3]] as never, w),
      DTypeError,
      'linear: x must be a Tensor',
      'tensor([...])',
    );
    expectTyped(() => linear(x, 3 as never), DTypeError, 'linear: weight must be a Tensor');
    expectTyped(() => linear(x, w, 'b' as never), DTypeError, 'linear: bias must be a Tensor');
    expectTyped(
      () => linear(x, randn([3, 4], { generator: g })),
      ShapeError,
      "linear: x's last dim must equal weight.shape[1] (in) — x.shape=[2,3], weight.shape=[3,4]",
      'transpose(weight, 0, 1)',
    );
    expectTyped(
      () => linear(x, randn([12], { generator: g })),
      ShapeError,
      'linear: weight must be 2-d [out, in]',
    );
    expectTyped(() => linear(tensor(1), w), ShapeError, 'x.shape=[]');
    expectTyped(
      () => linear(x, w, randn([3], { generator: g })),
      ShapeError,
      'linear: bias must be 1-d [out] with out = weight.shape[0] — bias.shape=[3], weight.shape=[4,3]',
    );
    expectTyped(() => linear(x.to('bool'), w), DTypeError, 'linear: x must be numeric', "x.to('float32')");
    expectTyped(
      () => linear(x, w, null, { activation: 'Relu' as never }),
      ValueError,
      "linear: activation must be one of 'none', 'relu', 'gelu', 'silu', 'tanh', 'sigmoid' — got \"Relu\"",
    );
    expectTyped(
      () => linear(x, w, null, { activaton: 'relu' } as never),
      ValueError,
      'linear: unknown option "activaton" (known: activation)',
    );
    expectTyped(() => linear(x, w, null, 'relu' as never), ValueError, 'linear: options must be an object');
  });
});

describe('biasActivation', () => {
  // Every edge value through the pass and through add + the activation op.
  for (const dtype of ['float32', 'float64'] as const) {
    for (const activation of LINEAR_ACTIVATIONS) {
      it(`equals add and ${activation} on ±0, ±∞, NaN and large values (${dtype})`, () => {
        const rows = 9;
        const n = 7;
        const y = awkward(rows * n, dtype).reshape([rows, n]);
        const b = awkward(n, dtype);
        for (const bias of [b, null]) {
          const inPlace = y.clone();
          biasActivation(
            inPlace.data as Float32Array,
            (bias?.data ?? null) as Float32Array | null,
            rows,
            n,
            activation,
          );
          expectSameBits(inPlace, activations[activation](bias === null ? y : add(y, bias)));
        }
      });
    }
  }

  it('relu gives +0 for −0 and −∞, and NaN for NaN, as relu does', () => {
    const y = Float64Array.of(-0, Number.NEGATIVE_INFINITY, Number.NaN, 2);
    biasActivation(y, null, 1, 4, 'relu');
    expect(Object.is(y[0], 0)).toBe(true);
    expect(Object.is(y[1], 0)).toBe(true);
    expect(y[2]).toBeNaN();
    expect(y[3]).toBe(2);
  });
});
