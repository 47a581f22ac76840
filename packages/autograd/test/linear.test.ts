import {
  DTypeError,
  Generator,
  LINEAR_ACTIVATIONS,
  type LinearActivation,
  randn,
  ShapeError,
  Tensor,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import {
  add,
  concat,
  gelu,
  grad,
  linear,
  linearRelu,
  matmul,
  mul,
  relu,
  sigmoid,
  silu,
  stackedLinear,
  sum,
  tanh,
  transpose,
  Variable,
  variable,
} from '../src/index';
import { stackRows } from '../src/rules/stackedLinear';

const g = new Generator(5);

/** The same function from separate ops: matmul, add and the activation op. */
const activations: Record<LinearActivation, (v: Variable) => Variable> = {
  none: (v) => v,
  relu: (v) => relu(v),
  gelu: (v) => gelu(v),
  silu: (v) => silu(v),
  tanh: (v) => tanh(v),
  sigmoid: (v) => sigmoid(v),
};
function composed(x: Variable, w: Variable, b: Variable | null, activation: LinearActivation): Variable {
  const y = matmul(x, transpose(w, 0, 1));
  return activations[activation](b === null ? y : add(y, b));
}

/** |a − b| ≤ tol·(1 + |b|) elementwise (NaN matches NaN). */
function expectClose(a: Tensor, b: Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  let worst = 0;
  for (let i = 0; i < b.size; i++) {
    const [u, v] = [a.data[i]!, b.data[i]!];
    if (Number.isNaN(u) && Number.isNaN(v)) continue;
    worst = Math.max(worst, Math.abs(u - v) / (1 + Math.abs(v)));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('linear with an activation equals matmul, add and the activation op', () => {
  const cases = [
    { name: '2-d with bias', x: [7, 5], out: 4, bias: true },
    { name: '2-d without bias', x: [7, 5], out: 4, bias: false },
    { name: 'batched 3-d x', x: [2, 3, 5], out: 6, bias: true },
    { name: 'batched 3-d x without bias', x: [2, 3, 5], out: 6, bias: false },
    // 96×128 float32 takes relu's WASM passes (the other sizes the loops).
    { name: 'over the WASM threshold', x: [96, 64], out: 128, bias: true },
  ];
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 1e-6;
    // float32 gradients: the backward rounds once where the ops round after each op, and the
    // products then sum 96 rows of such differences.
    const gradTol = dtype === 'float64' ? 1e-12 : 1e-5;
    for (const activation of LINEAR_ACTIVATIONS) {
      for (const c of cases) {
        it(`${activation}, ${c.name} (${dtype}): values and the gradients to x, w and b`, () => {
          const x = variable(randn(c.x, { generator: g, dtype }), { requiresGrad: true });
          const w = variable(randn([c.out, c.x.at(-1)!], { generator: g, dtype }), { requiresGrad: true });
          const b = c.bias ? variable(randn([c.out], { generator: g, dtype }), { requiresGrad: true }) : null;
          const r = randn([...c.x.slice(0, -1), c.out], { generator: g, dtype });
          const fused = linear(x, w, b, { activation });
          const plain = composed(x, w, b, activation);
          expect(fused.node?.primitive).toBe('linear');
          expectClose(fused.value, plain.value, tol);
          const leaves = b === null ? [x, w] : [x, w, b];
          const gf = grad(sum(mul(fused, r)), leaves);
          const gp = grad(sum(mul(plain, r)), leaves);
          gf.forEach((t, i) => {
            expectClose(t, gp[i]!, gradTol);
          });
        });
      }
    }
  }

  it("defaults to 'none'; linearRelu and the methods are the same op", () => {
    const x = variable(randn([3, 4], { generator: g, dtype: 'float64' }), { requiresGrad: true });
    const w = variable(randn([2, 4], { generator: g, dtype: 'float64' }), { requiresGrad: true });
    const b = randn([2], { generator: g, dtype: 'float64' });
    expect(linear(x, w, b).value.toArray()).toEqual(linear(x, w, b, { activation: 'none' }).value.toArray());
    const relu1 = linear(x, w, b, { activation: 'relu' });
    for (const other of [linearRelu(x, w, b), x.linearRelu(w, b), x.linear(w, b, { activation: 'relu' })]) {
      expect(other.node?.primitive).toBe('linear');
      expect(other.value.toArray()).toEqual(relu1.value.toArray());
    }
    expect(x.linear(w, b, { activation: 'tanh' }).value.toArray()).toEqual(
      linear(x, w, b, { activation: 'tanh' }).value.toArray(),
    );
  });

  it('keeps gelu and silu pre-activations only while the graph lives', () => {
    const x = variable(randn([3, 4], { generator: g, dtype: 'float64' }), { requiresGrad: true });
    const w = randn([2, 4], { generator: g, dtype: 'float64' });
    for (const activation of ['gelu', 'silu'] as const) {
      const y = linear(x, w, null, { activation });
      const params = y.node!.saved!.params as { preActivation?: Tensor };
      expect(params.preActivation?.shape).toEqual([3, 2]);
      const [first] = grad(sum(y), [x], { retainGraph: true });
      expect(grad(sum(y), [x])[0]!.toArray()).toEqual(first!.toArray());
      expect(y.node!.released).toBe(true);
    }
    expect(
      Object.hasOwn(
        linear(x, w, null, { activation: 'tanh' }).node!.saved!.params as object,
        'preActivation',
      ),
    ).toBe(false);
  });

  it('runs int32 and mixed dtypes through the separate ops', () => {
    const x = tensor([[1, -2]], { dtype: 'int32' });
    const w = variable(
      tensor(
        [
          [0.5, 1],
          [2, -1],
        ],
        { dtype: 'float64' },
      ),
      { requiresGrad: true },
    );
    const b = tensor([0.25, -1], { dtype: 'float32' });
    for (const activation of LINEAR_ACTIVATIONS) {
      const wv = variable(w.value, { requiresGrad: true });
      const y = linear(x, wv, b, { activation });
      const p = composed(new Variable(x.to('float64')), w, new Variable(b.to('float64')), activation);
      expect(y.dtype).toBe('float64');
      expectClose(y.value, p.value, 1e-12);
      expectClose(grad(sum(y), [wv])[0]!, grad(sum(p), [w])[0]!, 1e-12);
    }
    const i32 = linear(x, tensor([[3, 1]], { dtype: 'int32' }), null, { activation: 'relu' });
    expect(i32.dtype).toBe('int32');
    expect(i32.value.toArray()).toEqual([[1]]);
  });

  it('refuses bad options, shapes and dtypes with typed errors naming the op', () => {
    const x = randn([2, 3], { generator: g });
    const w = randn([4, 3], { generator: g });
    expectTyped(
      () => linear(x, w, null, { activation: 'Relu' as never }),
      ValueError,
      "linear: activation must be one of 'none', 'relu', 'gelu', 'silu', 'tanh', 'sigmoid' — got \"Relu\"",
    );
    expectTyped(
      () => linear(x, w, null, { actvation: 'relu' } as never),
      ValueError,
      'linear: unknown option "actvation"',
    );
    expectTyped(() => linear(x, w, null, 'relu' as never), ValueError, 'linear: options must be an object');
    expectTyped(
      () => linearRelu(x, randn([4, 2], { generator: g })),
      Error,
      "linearRelu: x's last dim must equal weight.shape[1]",
    );
    expectTyped(
      () => linear(x.to('bool'), w, null, { activation: 'gelu' }),
      DTypeError,
      'linear: x must be numeric',
    );
  });
});

describe('stackedLinear', () => {
  const f64 = { dtype: 'float64' } as const;

  it('equals the linears concatenated: values and the gradients to x, every weight and bias', () => {
    for (const withBias of [true, false]) {
      const x = variable(randn([2, 3, 4], { generator: g, ...f64 }), { requiresGrad: true });
      const ws = [1, 3, 2].map((o) =>
        variable(randn([o, 4], { generator: g, ...f64 }), { requiresGrad: true }),
      );
      const bs = withBias
        ? [1, 3, 2].map((o) => variable(randn([o], { generator: g, ...f64 }), { requiresGrad: true }))
        : null;
      const stacked = stackedLinear(x, ws, bs);
      const apart = concat(
        ws.map((w, i) => linear(x, w, bs?.[i])),
        -1,
      );
      expect(stacked.node?.primitive).toBe('stackedLinear');
      expectClose(stacked.value, apart.value, 1e-12);
      const r = randn([2, 3, 6], { generator: g, ...f64 });
      const leaves = [x, ...ws, ...(bs ?? [])];
      const gs = grad(sum(mul(stacked, r)), leaves);
      const ga = grad(sum(mul(apart, r)), leaves);
      gs.forEach((t, i) => {
        expectClose(t, ga[i]!, 1e-12);
      });
      expect(x.stackedLinear(ws, bs).value.toArray()).toEqual(stacked.value.toArray());
    }
  });

  it('reads weights that lie one after another in one buffer in place, and copies others together', () => {
    const buffer = new Float64Array(12).map((_, i) => i - 5);
    const a = new Tensor(buffer.subarray(0, 4), [1, 4], 'float64');
    const b = new Tensor(buffer.subarray(4, 12), [2, 4], 'float64');
    const view = stackRows([a, b]);
    expect(view.shape).toEqual([3, 4]);
    expect(view.data.buffer).toBe(buffer.buffer);
    // An update in place shows in the next product.
    const x = tensor([[1, 0, 0, 0]], f64);
    const before = Array.from(stackedLinear(x, [a, b]).value.data);
    buffer[4] = 100;
    expect(Array.from(stackedLinear(x, [a, b]).value.data)).toEqual([before[0], 100, before[2]]);
    // Out of order, or of another dtype: a copy, with the same values as concatenated weights.
    for (const parts of [
      [b, a],
      [a, b.to('float32')],
    ]) {
      const copy = stackRows(parts);
      expect(copy.data.buffer).not.toBe(buffer.buffer);
      expect(copy.toArray()).toEqual(concat(parts, 0).value.toArray());
    }
  });

  it('refuses bad weights and biases with typed errors naming the op and the argument', () => {
    const x = randn([2, 3], { generator: g });
    const w = randn([4, 3], { generator: g });
    expectTyped(() => stackedLinear(x, []), ValueError, 'stackedLinear: weights must be a non-empty array');
    expectTyped(
      () => stackedLinear(x, w as never),
      ValueError,
      'stackedLinear: weights must be a non-empty array',
    );
    expectTyped(
      () => stackedLinear(x, [w, randn([2, 5], { generator: g })]),
      ShapeError,
      "stackedLinear: x's last dim must equal weights[1].shape[1] — x.shape=[2,3], weights[1].shape=[2,5]",
    );
    expectTyped(
      () => stackedLinear(x, [w, w], [randn([4], { generator: g })]),
      ValueError,
      'one bias per weight (2)',
    );
    expectTyped(
      () => stackedLinear(x, [w, w], [randn([4], { generator: g }), null as never]),
      ValueError,
      'stackedLinear: biases[1] must be a Variable or a Tensor, got null',
    );
    expectTyped(
      () => stackedLinear(x, [w], [randn([3], { generator: g })]),
      ShapeError,
      'stackedLinear: biases[0] must be 1-d [out] — biases[0].shape=[3], weights[0].shape=[4,3]',
    );
  });
});
