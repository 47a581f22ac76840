import { afterEach, describe, expect, it, vi } from 'vitest';
import { backend, setBackend } from '../backend/backend';
import { memoryStatsForTests } from '../backend/kernelMemory';
import { kernelStorageZeros } from '../backend/storage';
import { randn } from '../creation/random';
import { Generator } from '../random/Generator';
import { biasRelu, biasReluLoop, linearReluInto, maskRows, maskRowsLoop } from './linearPasses';
import { matmulKernel } from './matmul';

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

describe('linear passes: the WebAssembly path and the loops agree bit for bit', () => {
  // Else the comparisons below would compare the loops with themselves.
  it('runs the WebAssembly path here', () => {
    expect(backend('linearPasses')).toBe('wasm');
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

describe('linear passes when kernel memory cannot grow', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fall back to the loops instead of throwing', () => {
    expect(backend('linearPasses')).toBe('wasm');
    // Larger than anything before in this file, so the module's memory would have to grow.
    const [rows, n] = [2048, 1024];
    const mustGrow = 12 * rows * n > memoryStatsForTests().free;
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
    if (mustGrow) expect(grow).toHaveBeenCalled();
    // Once memory grows again, the WASM path is back.
    grow.mockRestore();
    const again = new Float32Array(rows * n);
    maskRows(grads, slow, again, null, rows, n);
    sameBits(again, gmSlow);
  });
});

describe('linearReluInto: product, bias and relu fused in the kernel module', () => {
  const cases = [
    [256, 64, 128],
    [37, 70, 12],
    [300, 200, 152], // large enough for two threads where they run
  ] as const;
  for (const [m, k, n] of cases) {
    it(`equals matmul then biasRelu bit for bit, ${m}×${k}·(${n}×${k})ᵀ, bias on the heap, in storage, or none`, () => {
      const x = awkward(m * k);
      const w = Float32Array.from(randn([n * k], { generator: g }).data as Float32Array);
      const heapBias = awkward(n);
      const storedBias = kernelStorageZeros([n]).data as Float32Array;
      storedBias.set(heapBias);
      for (const bias of [heapBias, storedBias, null]) {
        const fused = new Float32Array(m * n);
        expect(linearReluInto(x, w, bias, fused, m, k, n)).toBe(true);
        const plain = new Float32Array(m * n);
        matmulKernel(x, 0, w, 0, plain, 0, m, k, n, false, true);
        biasRelu(plain, bias, m, n);
        sameBits(fused, plain);
      }
    });
  }

  it('declines where it does not apply (n not a multiple of 4, a tiny product, the js backend)', () => {
    const out = new Float32Array(64);
    expect(linearReluInto(new Float32Array(16 * 8), new Float32Array(4 * 8), null, out, 16, 8, 4)).toBe(true);
    expect(linearReluInto(new Float32Array(16 * 8), new Float32Array(3 * 8), null, out, 16, 8, 3)).toBe(
      false,
    );
    expect(linearReluInto(new Float32Array(2 * 2), new Float32Array(4 * 2), null, out, 2, 2, 4)).toBe(false);
    setBackend('js', { kernels: ['linearPasses'] });
    try {
      expect(linearReluInto(new Float32Array(16 * 8), new Float32Array(4 * 8), null, out, 16, 8, 4)).toBe(
        false,
      );
    } finally {
      setBackend('wasm');
    }
  });
});
