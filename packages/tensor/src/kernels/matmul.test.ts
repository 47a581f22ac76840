import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend as currentBackend, setBackend } from '../backend/backend';
import { type MatmulArray, matmulKernel, WASM_MIN_WORK } from './matmul';
import { matmulWasmF32 } from './matmulWasm';

/**
 * What runs the product: the TypeScript kernel in each dtype, or, for float32, the WASM SIMD
 * kernel called directly (every size, below the dispatch threshold too).
 */
type Kind = 'float32' | 'float64' | 'int32' | 'wasm';

/** A 32-bit LCG (Numerical Recipes constants): deterministic inputs without a dependency. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

function make(kind: Kind, size: number): MatmulArray {
  if (kind === 'float32' || kind === 'wasm') return new Float32Array(size);
  if (kind === 'float64') return new Float64Array(size);
  return new Int32Array(size);
}

/**
 * A random matrix of `size` values stored at `offset` inside a larger array whose padding holds
 * a sentinel. Floats are uniform in [-1, 1); int32s span the whole range, so sums wrap.
 */
function randomArray(kind: Kind, size: number, offset: number, next: () => number): MatmulArray {
  const arr = make(kind, offset + size + 7);
  arr.fill(kind === 'int32' ? 12345 : 0.125);
  for (let i = 0; i < size; i++) {
    const r = next();
    arr[offset + i] = kind === 'int32' ? r | 0 : r / 2 ** 31 - 1;
  }
  return arr;
}

interface Case {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/**
 * The naive triple loop the kernel must agree with (after untransposing the operands): floats
 * summed in float64 in index order, int32 with Math.imul and `| 0` (the exact product and sum
 * modulo 2^32, whatever the order).
 */
function reference(kind: Kind, a: MatmulArray, aOff: number, b: MatmulArray, bOff: number, c: Case) {
  const { m, k, n, transA, transB } = c;
  const A = new Float64Array(m * k);
  const B = new Float64Array(k * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) A[i * k + p] = a[aOff + (transA ? p * m + i : i * k + p)]!;
  for (let p = 0; p < k; p++)
    for (let j = 0; j < n; j++) B[p * n + j] = b[bOff + (transB ? j * k + p : p * n + j)]!;
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n); // Σ|a·b|: the size of the rounding error a sum can carry
  // i-p-j order: each out[i, j] still sums over p in increasing order.
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const x = A[i * k + p]!;
      const col = p * n;
      if (kind === 'int32') {
        for (let j = 0; j < n; j++) value[row + j] = (value[row + j]! + Math.imul(x, B[col + j]!)) | 0;
      } else {
        for (let j = 0; j < n; j++) {
          const xy = x * B[col + j]!;
          value[row + j]! += xy;
          scale[row + j]! += Math.abs(xy);
        }
      }
    }
  }
  return { value, scale };
}

/** Element-wise identity (NaN-aware); vitest's deep equality is slow on 90k-element arrays. */
function sameBits(x: MatmulArray, y: MatmulArray): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

let seed = 1;

/**
 * Runs one case with offsets into padded arrays and checks the result and the padding; with
 * `whole`, each operand and the result is an array of exactly its size (no offsets, as a
 * tensor's own buffer is), which the WASM path copies without a subarray view.
 */
function check(kind: Kind, c: Case, whole = false): void {
  const next = lcg(seed++);
  const aOff = whole ? 0 : 3;
  const bOff = whole ? 0 : 5;
  const outOff = whole ? 0 : 2;
  const a = randomArray(kind, c.m * c.k, aOff, next).subarray(0, whole ? c.m * c.k : undefined);
  const b = randomArray(kind, c.k * c.n, bOff, next).subarray(0, whole ? c.k * c.n : undefined);
  const out = make(kind, outOff + c.m * c.n + (whole ? 0 : 4));
  const sentinel = kind === 'int32' ? -7 : Number.NaN;
  out.fill(sentinel);
  const before = [a.slice(), b.slice()];
  if (kind === 'wasm') {
    const f32 = (x: MatmulArray) => x as Float32Array;
    const ran = matmulWasmF32(
      f32(a),
      aOff,
      f32(b),
      bOff,
      f32(out),
      outOff,
      c.m,
      c.k,
      c.n,
      c.transA,
      c.transB,
    );
    expect(ran, 'the WASM kernel ran').toBe(true);
  } else {
    matmulKernel(a, aOff, b, bOff, out, outOff, c.m, c.k, c.n, c.transA, c.transB);
  }
  const { value, scale } = reference(kind, a, aOff, b, bOff, c);

  let worst = 0;
  let where = -1;
  for (let i = 0; i < c.m * c.n; i++) {
    const got = out[outOff + i]!;
    const want = value[i]!;
    let err: number;
    if (kind === 'int32') err = got === want ? 0 : Number.POSITIVE_INFINITY;
    else if (kind === 'float64') err = Math.abs(got - want) / (1e-13 * scale[i]! + 1e-300);
    // float32 (TypeScript): the float64 sum rounded once, i.e. within half an ulp of float32
    // (2^-24 relative) plus float64 reordering noise; a float32 accumulation would be off by ~k ulps.
    else if (kind === 'float32')
      err = Math.abs(got - want) / (2 ** -24 * Math.abs(want) + 1e-13 * scale[i]! + 1e-300);
    // WASM: float32 accumulation, bounded by (k+1)·2^-24·Σ|a·b| (products and k additions each
    // round once) plus the final rounding, whatever the summation order.
    else err = Math.abs(got - want) / (2 ** -24 * (Math.abs(want) + (c.k + 1) * scale[i]!) + 1e-300);
    if (!(err <= 1)) {
      worst = err;
      where = i;
      break;
    }
  }
  const label = `${kind} m=${c.m} k=${c.k} n=${c.n} transA=${c.transA} transB=${c.transB}`;
  expect(
    where,
    `${label}: element ${where} got ${out[outOff + where]}, want ${value[where]} (${worst})`,
  ).toBe(-1);
  for (let i = 0; i < outOff; i++)
    expect(Object.is(out[i], sentinel), `${label}: wrote before out`).toBe(true);
  for (let i = outOff + c.m * c.n; i < out.length; i++) {
    expect(Object.is(out[i], sentinel), `${label}: wrote past out`).toBe(true);
  }
  expect(sameBits(a, before[0]!), `${label}: a was modified`).toBe(true);
  expect(sameBits(b, before[1]!), `${label}: b was modified`).toBe(true);
}

const KINDS: Kind[] = ['float32', 'float64', 'int32', 'wasm'];

// The TypeScript kernel is the reference: force it for the float32 cases (the 'wasm' cases call
// the WASM kernel directly), then restore the default.
beforeAll(() => setBackend('js', { kernels: ['matmul'] }));
afterAll(() => setBackend('wasm', { kernels: ['matmul'] }));
const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;
const SIZES = [1, 3, 17, 64, 65, 255, 300];

describe.each(KINDS)('matmulKernel %s', (kind) => {
  describe.each(TRANSPOSES)('transA=%s transB=%s', (transA, transB) => {
    it.each(SIZES)('square %i', (s) => {
      check(kind, { m: s, k: s, n: s, transA, transB });
    });

    it('every mix of sizes 1, 3, 17, 65 (covers m = 1 and n = 1 vector paths)', () => {
      for (const m of [1, 3, 17, 65]) {
        for (const k of [1, 3, 17, 65])
          for (const n of [1, 3, 17, 65]) check(kind, { m, k, n, transA, transB });
      }
    });

    it('rectangular shapes with awkward sizes', () => {
      const shapes = [
        [255, 300, 17],
        [17, 255, 300],
        [300, 17, 255],
        [64, 300, 65],
        [1, 300, 255],
        [255, 300, 1],
        [2, 257, 3],
      ];
      for (const [m, k, n] of shapes) check(kind, { m: m!, k: k!, n: n!, transA, transB });
    });

    it('narrow shapes around the 4-wide tile and the in-place path for n ≤ 8', () => {
      for (const m of [4, 5, 7, 8, 65]) {
        for (const n of [4, 5, 8, 9]) for (const k of [1, 17, 300]) check(kind, { m, k, n, transA, transB });
      }
      check(kind, { m: 300, k: 300, n: 4, transA, transB });
    });

    it('Linear layer shapes (x·Wᵀ, G·W, Gᵀ·X of 64→128, batch 256) in whole arrays, no offsets', () => {
      for (const [m, k, n] of [
        [256, 64, 128],
        [256, 128, 64],
        [128, 256, 64],
        [256, 130, 12],
        [96, 257, 72],
      ] as const) {
        check(kind, { m, k, n, transA, transB }, true);
      }
    });

    it('crosses every block boundary (m > 512, n > 512, k > 256)', () => {
      check(kind, { m: 520, k: 3, n: 5, transA, transB });
      check(kind, { m: 5, k: 3, n: 520, transA, transB });
      check(kind, { m: 6, k: 530, n: 7, transA, transB });
      check(kind, { m: 9, k: 260, n: 530, transA, transB });
    });

    it('a 1023-row product (all tile edges at once, kept cheap by a small k)', () => {
      check(kind, { m: 1023, k: 33, n: 257, transA, transB });
    });

    it('k = 0 gives zeros', () => {
      if (kind === 'wasm') return; // matmulKernel handles k = 0 before choosing a kernel
      const out = make(kind, 3 * 4 + 2).fill(9);
      matmulKernel(make(kind, 0), 0, make(kind, 0), 0, out, 1, 3, 0, 4, transA, transB);
      expect(Array.from(out)).toEqual([9, ...new Array(12).fill(0), 9]);
    });
  });

  it('m = 0 or n = 0 writes nothing', () => {
    if (kind === 'wasm') return; // matmulKernel handles empty products before choosing a kernel
    const out = make(kind, 4).fill(9);
    matmulKernel(make(kind, 6), 0, make(kind, 0), 0, out, 0, 3, 2, 0, false, false);
    matmulKernel(make(kind, 0), 0, make(kind, 6), 0, out, 0, 0, 2, 3, false, true);
    expect(Array.from(out)).toEqual([9, 9, 9, 9]);
  });

  it('reuses scratch across calls of different sizes without stale values', () => {
    check(kind, { m: 300, k: 300, n: 300, transA: false, transB: false });
    check(kind, { m: 5, k: 7, n: 6, transA: true, transB: false });
    check(kind, { m: 2, k: 2, n: 2, transA: false, transB: true });
  });

  it('checks the sizes and that each region fits its array', () => {
    if (kind === 'wasm') return; // matmulKernel checks before choosing a kernel
    expect(() =>
      matmulKernel(make(kind, 5), 0, make(kind, 6), 0, make(kind, 4), 0, 2, 3, 2, false, false),
    ).toThrow(/a needs 6 elements from offset 0, but its length is 5/);
    expect(() =>
      matmulKernel(make(kind, 6), 0, make(kind, 6), 1, make(kind, 4), 0, 2, 3, 2, false, false),
    ).toThrow(RangeError);
    expect(() =>
      matmulKernel(make(kind, 6), 0, make(kind, 6), 0, make(kind, 4), 1, 2, 3, 2, false, false),
    ).toThrow(/out needs 4 elements from offset 1/);
    expect(() =>
      matmulKernel(make(kind, 6), 0, make(kind, 6), 0, make(kind, 4), 0, 2, -3, 2, false, false),
    ).toThrow(/k must be a non-negative integer, got -3/);
  });
});

describe('matmulKernel numerics (TypeScript kernel)', () => {
  // n = 2 takes the matrix-vector path, n = 4 the tile with A read in place, n = 12 the packed tile.
  it.each([2, 4, 12])('float32 sums in float64 and rounds once (n = %i)', (n) => {
    // 1 + 2^-24 + 2^-24 is 1 + 2^-23 exactly; float32 accumulation would round back to 1 twice.
    const a = new Float32Array(4 * 3).fill(1);
    const b = new Float32Array(3 * n).fill(2 ** -24).fill(1, 0, n);
    const out = new Float32Array(4 * n);
    matmulKernel(a, 0, b, 0, out, 0, 4, 3, n, false, false);
    expect(Array.from(out)).toEqual(new Array(4 * n).fill(1 + 2 ** -23));
  });

  it('int32 wraps modulo 2^32 like two’s-complement arithmetic', () => {
    const a = new Int32Array([2 ** 30, 2 ** 30, -(2 ** 31), 3]);
    const b = new Int32Array([4, 4, 1, 1]);
    const out = new Int32Array(4);
    matmulKernel(a, 0, b, 0, out, 0, 2, 2, 2, false, false);
    // Row 0: 2^30·4 + 2^30·1 = 5·2^30 ≡ 2^30 (mod 2^32); row 1: -2^31·4 + 3 ≡ 3.
    expect(Array.from(out)).toEqual([2 ** 30, 2 ** 30, 3, 3]);
  });

  it.each([2, 4, 12])('propagates NaN and Infinity like a plain loop (n = %i)', (n) => {
    // A is 4×3 with a NaN at [0,0]; B is given as Bᵀ (n×3) with an Infinity at B[0,1].
    const a = new Float64Array([Number.NaN, 0, 1, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    const bT = new Float64Array(n * 3).fill(1);
    bT[3] = Number.POSITIVE_INFINITY;
    const out = new Float64Array(4 * n);
    matmulKernel(a, 0, bT, 0, out, 0, 4, 3, n, false, true);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect(out[n]).toBe(6);
    expect(out[n + 1]).toBe(Number.POSITIVE_INFINITY);
    expect(out[3 * n]).toBe(6);
  });
});

describe('matmulKernel float32 dispatch', () => {
  afterAll(() => setBackend('wasm', { kernels: ['matmul'] }));

  it('uses the WASM SIMD kernel by default in Node 20', () => {
    setBackend('wasm', { kernels: ['matmul'] });
    expect(currentBackend('matmul')).toBe('wasm');
  });

  it.each([
    ['wasm', 1],
    ['js', 1 + 2 ** -23],
  ] as const)('backend %s: float32 above the size threshold sums as that kernel does', (backend, want) => {
    // 1 + 2^-24 + 2^-24: float64 accumulation gives 1 + 2^-23 exactly; float32 accumulation rounds
    // back to 1 at each step (ties to even). 16·3·16 multiply-adds is above WASM_MIN_WORK.
    setBackend(backend, { kernels: ['matmul'] });
    expect(currentBackend('matmul')).toBe(backend);
    const [m, k, n] = [16, 3, 16];
    expect(m * k * n).toBeGreaterThanOrEqual(WASM_MIN_WORK);
    const a = new Float32Array(m * k).fill(1);
    const b = new Float32Array(k * n).fill(2 ** -24).fill(1, 0, n);
    const out = new Float32Array(m * n);
    matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, false);
    expect(Array.from(out)).toEqual(new Array(m * n).fill(want));
  });

  it('keeps tiny float32 products on the TypeScript kernel (below WASM_MIN_WORK)', () => {
    setBackend('wasm', { kernels: ['matmul'] });
    const a = new Float32Array(4 * 3).fill(1);
    const b = new Float32Array(3 * 4).fill(2 ** -24).fill(1, 0, 4);
    const out = new Float32Array(4 * 4);
    matmulKernel(a, 0, b, 0, out, 0, 4, 3, 4, false, false);
    expect(Array.from(out)).toEqual(new Array(16).fill(1 + 2 ** -23));
  });

  it.each([
    ['a dot product (m = n = 1) stays on the TypeScript kernel', 1, 1],
    ['one row and two columns goes to WASM', 1, 2],
    ['two rows and one column goes to WASM', 2, 1],
    ['one row goes to WASM', 1, 16],
    ['one column goes to WASM', 16, 1],
  ] as const)('above the size threshold, %s', (_, m, n) => {
    setBackend('wasm', { kernels: ['matmul'] });
    // The first term is 1, then k − 1 terms of 2^-24: float32 accumulation rounds each addition
    // back to 1 (ties to even); float64 accumulation keeps them and rounds once at the end. (k
    // at most 256, the WASM kernel's depth block, so that its sum is one float32 sequence.)
    const viaWasm = m * n > 1;
    const k = viaWasm ? 256 : 600;
    expect(m * k * n).toBeGreaterThanOrEqual(WASM_MIN_WORK);
    for (const [transA, transB] of TRANSPOSES) {
      const a = new Float32Array(m * k).fill(1);
      const b = new Float32Array(k * n).fill(2 ** -24);
      // B[0, j] = 1, stored as B (k×n) or Bᵀ (n×k).
      for (let j = 0; j < n; j++) b[transB ? j * k : j] = 1;
      const out = new Float32Array(m * n);
      matmulKernel(a, 0, b, 0, out, 0, m, k, n, transA, transB);
      const want = viaWasm ? 1 : Math.fround(1 + (k - 1) * 2 ** -24);
      expect(Array.from(out), `transA=${transA} transB=${transB}`).toEqual(new Array(m * n).fill(want));
    }
  });

  it('k = 1 (an outer product) on the TypeScript kernel equals the WASM kernel bit for bit', () => {
    const next = lcg(7);
    for (const [m, n] of [
      [64, 48],
      [5, 9],
      [1, 700],
    ] as const) {
      const a = Float32Array.from({ length: m }, () => next() / 2 ** 31 - 1);
      const b = Float32Array.from({ length: n }, () => next() / 2 ** 31 - 1);
      a[0] = -0; // −0·x: +0 on both kernels (sums start at +0)
      b[1] = Number.NaN;
      b[2] = Number.NEGATIVE_INFINITY;
      const wasm = new Float32Array(m * n);
      expect(matmulWasmF32(a, 0, b, 0, wasm, 0, m, 1, n, false, false)).toBe(true);
      for (const [transA, transB] of TRANSPOSES) {
        setBackend('js', { kernels: ['matmul'] });
        const js = new Float32Array(m * n);
        matmulKernel(a, 0, b, 0, js, 0, m, 1, n, transA, transB);
        expect(sameBits(js, wasm), `${m}×1·1×${n} transA=${transA} transB=${transB}`).toBe(true);
        expect(Object.is(js[0], 0)).toBe(true);
        // And in float64: the exact products, −0 also made +0.
        const js64 = new Float64Array(m * n);
        matmulKernel(Float64Array.from(a), 0, Float64Array.from(b), 0, js64, 0, m, 1, n, transA, transB);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            expect(Object.is(js64[i * n + j], a[i]! * b[j]! + 0), `out[${i},${j}]`).toBe(true);
          }
        }
      }
    }
  });

  it('both backends agree to float32 accuracy on every transpose combination', () => {
    const next = lcg(99);
    const [m, k, n] = [37, 70, 45];
    const a = Float32Array.from({ length: m * k }, () => next() / 2 ** 31 - 1);
    const b = Float32Array.from({ length: k * n }, () => next() / 2 ** 31 - 1);
    for (const [transA, transB] of TRANSPOSES) {
      const results = (['js', 'wasm'] as const).map((backend) => {
        setBackend(backend, { kernels: ['matmul'] });
        const out = new Float32Array(m * n);
        matmulKernel(a, 0, b, 0, out, 0, m, k, n, transA, transB);
        return out;
      });
      let worst = 0;
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(results[0]![i]! - results[1]![i]!));
      expect(worst, `transA=${transA} transB=${transB}`).toBeLessThan(1e-5);
      expect(worst, 'the two kernels really differ (float32 vs float64 sums)').toBeGreaterThan(0);
    }
  });

  it('propagates NaN and Infinity like a plain loop on the WASM path', () => {
    setBackend('wasm', { kernels: ['matmul'] });
    const [m, k, n] = [9, 5, 12];
    const a = new Float32Array(m * k).fill(1);
    a[0] = Number.NaN; // row 0
    const b = new Float32Array(k * n).fill(1);
    b[3] = Number.POSITIVE_INFINITY; // column 3
    const out = new Float32Array(m * n);
    matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, false);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const want = i === 0 ? Number.NaN : j === 3 ? Number.POSITIVE_INFINITY : k;
        expect(out[i * n + j], `out[${i},${j}]`).toBe(want);
      }
    }
  });

  it('rejects an unknown backend', () => {
    expect(() => setBackend('gpu' as never, { kernels: ['matmul'] })).toThrow(
      /backend must be 'wasm' or 'js' — got "gpu"/,
    );
  });
});
