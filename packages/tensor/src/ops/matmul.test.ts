import { afterAll, describe, expect, it } from 'vitest';
import { type Backend as MatmulBackend, setBackend } from '../backend/backend';
import { rand } from '../creation/random';
import type { DType } from '../dtype';
import { ShapeError, ValueError } from '../errors';
import { WASM_MIN_WORK } from '../kernels/matmul';
import { matmulWasmF32 } from '../kernels/matmulWasm';
import { Generator } from '../random/Generator';
import { broadcastShapes, sizeOf, stridesOf } from '../shape';
import { Tensor } from '../Tensor';
import { matmul } from './matmul';
import { transpose } from './permute';

/**
 * The naive batched product in float64 from the logical operands (after any transpose), with
 * Σ|a·b| per element for the tolerance: a reference that shares no code with the kernels.
 */
function reference(a: Tensor, b: Tensor, transA: boolean, transB: boolean) {
  const A = transA ? transpose(a, -2, -1) : a;
  const B = transB ? transpose(b, -2, -1) : b;
  const [m, k] = A.shape.slice(-2) as [number, number];
  const n = B.shape.at(-1)!;
  const aBatch = A.shape.slice(0, -2);
  const bBatch = B.shape.slice(0, -2);
  const batch = broadcastShapes('test', aBatch, bBatch);
  const value = new Float64Array(sizeOf(batch) * m * n);
  const scale = new Float64Array(value.length);
  const index = (shape: number[], idx: number[]) => {
    // broadcast: dims of size 1 read index 0; the batch index is right-aligned
    const strides = stridesOf(shape);
    const offset = idx.length - shape.length;
    return shape.reduce((sum, size, d) => sum + (size === 1 ? 0 : idx[d + offset]!) * strides[d]!, 0);
  };
  for (let t = 0; t < sizeOf(batch); t++) {
    const idx = batch.map((_, d) => Math.floor(t / sizeOf(batch.slice(d + 1))) % batch[d]!);
    const ao = index(aBatch, idx) * m * k;
    const bo = index(bBatch, idx) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const xy = A.data[ao + i * k + p]! * B.data[bo + p * n + j]!;
          s += xy;
          abs += Math.abs(xy);
        }
        value[t * m * n + i * n + j] = s;
        scale[t * m * n + i * n + j] = abs;
      }
    }
  }
  return { shape: [...batch, m, n], value, scale, k };
}

function expectProduct(got: Tensor, want: ReturnType<typeof reference>, dtype: DType): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(dtype);
  const u = dtype === 'float64' ? 2 ** -53 : dtype === 'float32' ? 2 ** -24 : 0;
  for (let i = 0; i < want.value.length; i++) {
    const err = Math.abs(got.data[i]! - want.value[i]!);
    const bound = u * (Math.abs(want.value[i]!) + (want.k + 1) * want.scale[i]!);
    if (!(err <= bound))
      expect.fail(`element ${i}: got ${got.data[i]}, want ${want.value[i]} (bound ${bound})`);
  }
}

function random(shape: number[], dtype: DType, seed: number): Tensor {
  const x = rand(shape, { generator: new Generator(seed), dtype: dtype === 'int32' ? 'float32' : dtype });
  return dtype === 'int32' ? x.mul(20).sub(10).to('int32') : x.sub(0.5);
}

/** Stored shape of an operand whose logical last two dims are [rows, cols]. */
const stored = (batch: number[], rows: number, cols: number, trans: boolean) =>
  trans ? [...batch, cols, rows] : [...batch, rows, cols];

const f32 = (t: Tensor) => t.data as Float32Array;

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe.each<MatmulBackend>(['wasm', 'js'])('matmul with the %s float32 backend', (backend) => {
  afterAll(() => setBackend('wasm', { kernels: ['matmul'] }));

  describe.each(TRANSPOSES)('transposeA=%s transposeB=%s', (transposeA, transposeB) => {
    const cases: [string, number[], number[], number, number, number][] = [
      ['2-d, awkward sizes', [], [], 17, 33, 9],
      ['2-d, tile-sized', [], [], 64, 40, 24],
      ['2-d, one row', [], [], 1, 70, 13],
      ['2-d, one column', [], [], 19, 70, 1],
      ['2-d, n = 4 (MLP output)', [], [], 50, 30, 4],
      ['2-d, a Linear layer 64→128 at batch 256', [], [], 256, 64, 128],
      ['batched, same batch', [3], [3], 9, 11, 10],
      ['batched, broadcast both ways', [2, 1], [3], 7, 12, 9],
      ['batched left, shared right', [4, 2], [], 6, 13, 11],
      ['shared left, batched right', [], [3], 6, 13, 11],
      ['batched left, right with a size-1 batch', [5], [1], 8, 16, 10],
    ];
    it.each(cases)('%s', (_, aBatch, bBatch, m, k, n) => {
      setBackend(backend, { kernels: ['matmul'] });
      for (const dtype of ['float32', 'float64', 'int32'] as const) {
        const a = random(stored(aBatch, m, k, transposeA), dtype, m * 31 + k);
        const b = random(stored(bBatch, k, n, transposeB), dtype, n * 17 + k);
        const got = matmul(a, b, { transposeA, transposeB });
        expectProduct(got, reference(a, b, transposeA, transposeB), dtype);
      }
    });
  });

  it('a flag equals transposing first, also with a 1-d operand on the other side', () => {
    setBackend(backend, { kernels: ['matmul'] });
    // Sizes over WASM_MIN_WORK (and not a dot product), so that the 'wasm' run takes the WASM
    // kernel: checked below against that kernel called directly.
    const w = random([24, 40], 'float32', 1); // [out, in]
    const x = random([40], 'float32', 2);
    const viaFlag = matmul(x, w, { transposeB: true }); // [40]·[40,24] → [24]
    expect(viaFlag.shape).toEqual([24]);
    expect(Array.from(viaFlag.data)).toEqual(Array.from(matmul(x, transpose(w, 0, 1)).data));
    const g = random([24, 12], 'float32', 3);
    const viaA = matmul(w, g, { transposeA: true }); // [24,40]ᵀ·[24,12] → [40,12]
    expect(Array.from(viaA.data)).toEqual(Array.from(matmul(transpose(w, 0, 1), g).data));
    for (const [got, a, b, m, k, n, transA, transB] of [
      [viaFlag, x, w, 1, 40, 24, false, true],
      [viaA, w, g, 40, 24, 12, true, false],
    ] as const) {
      expect(m * k * n).toBeGreaterThanOrEqual(WASM_MIN_WORK);
      const direct = new Float32Array(m * n);
      expect(matmulWasmF32(f32(a), 0, f32(b), 0, direct, 0, m, k, n, transA, transB)).toBe(true);
      // Its float32 sums differ from the TypeScript kernel's float64 ones somewhere.
      const same = Array.from(got.data).every((v, i) => Object.is(v, direct[i]));
      expect(same, `${m}×${k}·${k}×${n} ran the ${backend} kernel`).toBe(backend === 'wasm');
    }
  });
});

describe('matmul options', () => {
  it('false flags and an empty options object change nothing', () => {
    const a = random([3, 4], 'float64', 5);
    const b = random([4, 2], 'float64', 6);
    const plain = Array.from(matmul(a, b).data);
    expect(Array.from(matmul(a, b, {}).data)).toEqual(plain);
    expect(Array.from(matmul(a, b, { transposeA: false, transposeB: false }).data)).toEqual(plain);
  });

  it('transposes only the last two dims and handles empty dims', () => {
    const a = new Tensor(new Float32Array(0), [2, 0, 3], 'float32'); // stored [k=0, m=3]
    const b = new Tensor(new Float32Array(0), [0, 4], 'float32');
    const c = matmul(a, b, { transposeA: true });
    expect(c.shape).toEqual([2, 3, 4]);
    expect(Array.from(c.data)).toEqual(new Array(24).fill(0));
  });

  it('names the stored shapes and the flags when inner dims differ', () => {
    const a = new Tensor(new Float32Array(6), [3, 2], 'float32');
    const b = new Tensor(new Float32Array(20), [4, 5], 'float32');
    expect(() => matmul(a, b, { transposeA: true })).toThrow(ShapeError);
    expect(() => matmul(a, b, { transposeA: true })).toThrow(
      'matmul: inner dimensions differ — a.shape=[3,2] (transposeA), b.shape=[4,5] (3 vs 4)',
    );
    const c = new Tensor(new Float32Array(20), [5, 4], 'float32');
    expect(() => matmul(b, c, { transposeB: true })).toThrow(
      'matmul: inner dimensions differ — a.shape=[4,5], b.shape=[5,4] (transposeB) (5 vs 4)',
    );
    expect(matmul(b, b, { transposeB: true }).shape).toEqual([4, 4]);
    expect(() => matmul(a, b)).toThrow(
      'matmul: inner dimensions differ — a.shape=[3,2], b.shape=[4,5] (2 vs 4)',
    );
  });

  it('rejects a transpose flag on a 1-d operand', () => {
    const v = new Tensor(new Float32Array(3), [3], 'float32');
    const m = new Tensor(new Float32Array(9), [3, 3], 'float32');
    expect(() => matmul(v, m, { transposeA: true })).toThrow(ShapeError);
    expect(() => matmul(v, m, { transposeA: true })).toThrow(
      /transposeA needs a with at least 2 dims, got a\.shape=\[3\]/,
    );
    expect(() => matmul(m, v, { transposeB: true })).toThrow(
      /transposeB needs b with at least 2 dims, got b\.shape=\[3\]/,
    );
  });

  it('rejects flags that are not booleans, and options that are not an object', () => {
    const m = new Tensor(new Float32Array(4), [2, 2], 'float32');
    expect(() => matmul(m, m, { transposeA: 1 as never })).toThrow(ValueError);
    expect(() => matmul(m, m, { transposeB: 'yes' as never })).toThrow(
      'matmul: transposeB must be true or false — got "yes"',
    );
    expect(() => matmul(m, m, null as never)).toThrow(/options must be an object/);
  });
});
