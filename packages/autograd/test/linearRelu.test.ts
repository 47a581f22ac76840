import { Generator, randn, type Tensor, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { grad, linear, linearRelu, mul, relu, sum, variable } from '../src/index';

const g = new Generator(7);

/** float32 values with zeros, ±0, ±∞ and NaN mixed in. */
function awkward(n: number): Float32Array {
  const out = Float32Array.from(randn([n], { generator: g }).data as Float32Array);
  const specials = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-45, -1e-45];
  for (let i = 0; i < n; i += 37) out[i] = specials[(i / 37) % specials.length]!;
  return out;
}

describe("relu's backward is the same mask pass", () => {
  // 4096 float32 elements take the WASM path, the others the loop.
  for (const [size, dtype] of [
    [4096, 'float32'],
    [4097, 'float32'],
    [50, 'float32'],
    [4096, 'float64'],
  ] as const) {
    it(`g where x > 0, else +0, also for a non-finite g (${size} × ${dtype})`, () => {
      const xs = awkward(size); // NaN, ±∞ and ±0 among the values
      const r = awkward(size).reverse(); // the same in g, mostly where x is finite
      // Non-finite g and −0 where x > 0 (NaN and ±∞ pass, −0 becomes +0) and where x ≤ 0 (+0).
      const positive = [...xs.keys()].filter((i) => xs[i]! > 0);
      const other = [...xs.keys()].filter((i) => !(xs[i]! > 0));
      for (const [k, v] of [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].entries()) {
        r[positive[k]!] = v;
        r[other[k]!] = v;
      }
      const x = variable(tensor(Array.from(xs), { dtype }), { requiresGrad: true });
      const [gx] = grad(sum(mul(relu(x), tensor(Array.from(r), { dtype }))), [x]);
      expect(gx!.dtype).toBe(dtype);
      const xd = x.value.data;
      const gd = gx!.data;
      let nans = 0;
      for (let i = 0; i < size; i++) {
        const want = xd[i]! > 0 ? r[i]! + 0 : 0;
        if (Number.isNaN(want)) nans++;
        expect(Object.is(gd[i], want), `element ${i}: x ${xd[i]}, g ${r[i]}, got ${gd[i]}`).toBe(true);
      }
      expect(nans).toBeGreaterThan(0);
    });
  }
});

describe('linearRelu equals relu(linear(…))', () => {
  const cases: { name: string; x: number[]; out: number; bias: boolean }[] = [
    { name: 'a batch over the WASM threshold', x: [96, 64], out: 128, bias: true },
    { name: 'no bias', x: [96, 64], out: 64, bias: false },
    { name: '3-d input, odd sizes', x: [2, 5, 7], out: 3, bias: true },
    { name: 'one output', x: [9, 4], out: 1, bias: true },
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const c of cases) {
      it(`${c.name} (${dtype}): values and gradients`, () => {
        const inFeatures = c.x.at(-1)!;
        const x = variable(randn(c.x, { generator: g, dtype }), { requiresGrad: true });
        const w = variable(randn([c.out, inFeatures], { generator: g, dtype }), { requiresGrad: true });
        const b = c.bias ? variable(randn([c.out], { generator: g, dtype }), { requiresGrad: true }) : null;
        const r = randn([...c.x.slice(0, -1), c.out], { generator: g, dtype });
        const fused = linearRelu(x, w, b);
        const plain = relu(linear(x, w, b));
        const tol = dtype === 'float64' ? 1e-12 : 1e-5;
        close(fused.value, plain.value, tol);
        const leaves = b === null ? [x, w] : [x, w, b];
        const gf = grad(sum(mul(fused, r)), leaves);
        const gp = grad(sum(mul(plain, r)), leaves);
        gf.forEach((t, i) => {
          close(t, gp[i]!, tol);
        });
      });
    }
  }

  it('keeps relu(NaN) = NaN and gives no gradient where the output is 0', () => {
    const x = variable(
      tensor([
        [1, 2],
        [-2, 3],
      ]),
      { requiresGrad: true },
    );
    const w = variable(
      tensor([
        [1, 0],
        [0, 1],
      ]),
      { requiresGrad: true },
    );
    const y = linearRelu(x, w, tensor([0, Number.NaN]));
    expect(y.value.toArray()).toEqual([
      [1, Number.NaN],
      [0, Number.NaN],
    ]);
    const [gx] = grad(
      sum(
        mul(
          y,
          tensor([
            [1, 1],
            [1, 1],
          ]),
        ),
      ),
      [x],
    );
    expect(gx!.toArray()).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });
});

function close(a: Tensor, b: Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => {
    expect(Math.abs(v - b.data[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b.data[i]!)));
  });
}
