import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Generator, randn, type Tensor, tensor } from '@mtl/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { grad, linear, linearRelu, mul, relu, sum, variable } from '../src/index';
import {
  biasRelu,
  biasReluLoop,
  maskRows,
  maskRowsLoop,
  wasmPassesAvailable,
} from '../src/rules/linearReluKernels';
import { linearReluWasmSourceHash } from '../src/rules/linearReluWasm.generated';

it('embeds the module built from the current assembly/linearRelu.ts (else `pnpm --filter @mtl/autograd build:wasm`)', () => {
  const source = readFileSync(new URL('../assembly/linearRelu.ts', import.meta.url));
  expect(createHash('sha256').update(source).digest('hex')).toBe(linearReluWasmSourceHash);
});

const g = new Generator(7);

/** float32 values with zeros, ±0, ±∞ and NaN mixed in, to pin the edge cases of both paths. */
function awkward(n: number): Float32Array {
  const out = Float32Array.from(randn([n], { generator: g }).data as Float32Array);
  const specials = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-45, -1e-45];
  for (let i = 0; i < n; i += 37) out[i] = specials[(i / 37) % specials.length]!;
  return out;
}

/** The same length and every element the same value (Object.is: −0 ≠ +0, NaN = NaN); names the first difference. */
const sameBits = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => {
  expect(a.length).toBe(b.length);
  let i = 0;
  while (i < a.length && Object.is(a[i], b[i])) i++;
  // One assertion, not one per element: a quarter-million expect calls took 46 s on loaded CI.
  expect(i === a.length, `element ${i}: ${a[i]} vs ${b[i]}`).toBe(true);
};

describe('linearRelu kernels: the WASM SIMD path and the loops agree bit for bit', () => {
  // Else the comparisons below would compare the loops with themselves.
  it('runs the WASM path in Node 20', () => {
    expect(wasmPassesAvailable()).toBe(true);
  });

  // 64×128 = 8192 elements: over the WASM threshold; 3×12 = 36 stays on the loops.
  for (const [rows, n] of [
    [64, 128],
    [3, 12],
    [33, 6],
  ] as const) {
    it(`bias + relu, [${rows}, ${n}], with and without a bias`, () => {
      const y = awkward(rows * n);
      const b = awkward(n);
      for (const bias of [b, null]) {
        const fast = y.slice();
        const slow = y.slice();
        biasRelu(fast, bias, rows, n);
        biasReluLoop(slow, bias, rows, n);
        sameBits(fast, slow);
        // And both are relu(y + b) as the tensor ops compute it.
        for (let i = 0; i < rows * n; i++) {
          const v = Math.fround(y[i]! + (bias === null ? 0 : bias[i % n]!));
          expect(Object.is(slow[i], Math.max(v, 0))).toBe(true);
        }
      }
    });

    it(`mask and bias sums, [${rows}, ${n}]`, () => {
      const grads = awkward(rows * n);
      const y = new Float32Array(rows * n);
      biasReluLoop(y.set(awkward(rows * n)) ?? y, null, rows, n);
      for (const withSums of [true, false]) {
        const gmFast = new Float32Array(rows * n);
        const gmSlow = new Float32Array(rows * n);
        const sFast = withSums ? new Float64Array(n).fill(0.5) : null;
        const sSlow = withSums ? new Float64Array(n).fill(0.5) : null;
        maskRows(grads, y, gmFast, sFast, rows, n);
        maskRowsLoop(grads, y, gmSlow, sSlow, rows, n);
        sameBits(gmFast, gmSlow);
        if (sFast !== null) sameBits(sFast, sSlow!);
        for (let i = 0; i < rows * n; i++) expect(Object.is(gmSlow[i], y[i]! > 0 ? grads[i]! : 0)).toBe(true);
      }
    });
  }
});

describe('linearRelu kernels when WASM memory cannot grow', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fall back to the loops instead of throwing', () => {
    expect(wasmPassesAvailable()).toBe(true);
    // Larger than anything before in this file, so the module's memory would have to grow.
    const [rows, n] = [256, 1024];
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    });
    const grads = awkward(rows * n);
    const y = awkward(rows * n);
    const fast = y.slice();
    const slow = y.slice();
    const b = awkward(n);
    biasRelu(fast, b, rows, n);
    biasReluLoop(slow, b, rows, n);
    sameBits(fast, slow);
    const gmFast = new Float32Array(rows * n);
    const gmSlow = new Float32Array(rows * n);
    const sFast = new Float64Array(n);
    const sSlow = new Float64Array(n);
    maskRows(grads, slow, gmFast, sFast, rows, n);
    maskRowsLoop(grads, slow, gmSlow, sSlow, rows, n);
    sameBits(gmFast, gmSlow);
    sameBits(sFast, sSlow);
    expect(grow).toHaveBeenCalled();
    // Once memory grows again, the WASM path is back.
    grow.mockRestore();
    const again = new Float32Array(rows * n);
    maskRows(grads, slow, again, null, rows, n);
    sameBits(again, gmSlow);
  });
});

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
