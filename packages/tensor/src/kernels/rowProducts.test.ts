import { afterEach, describe, expect, it } from 'vitest';
import { backend, setBackend } from '../backend/backend';
import { availableVariants } from '../backend/kernelModule';
import { kernelStorageZeros } from '../backend/storage';
import { randn } from '../creation/random';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { rowCombination, rowGramian } from '../ops/rowProducts';
import { Generator } from '../random/Generator';
import { Tensor } from '../Tensor';
import { combineRowsLoop, gramRowsLoop } from './rowProducts';

const g = new Generator(11);

/** A float32 [t, n] matrix of normal values, with ±0, ±∞ and NaN in the rows listed in `special`. */
function rows(t: number, n: number, special: number[] = []): Float32Array {
  const x = Float32Array.from(randn([t * n], { generator: g }).data as Float32Array);
  const values = [0, -0, Number.POSITIVE_INFINITY, Number.NaN, -1e-45];
  for (const r of special) for (let k = 0; k < n; k += 7) x[r * n + k] = values[(k / 7) % values.length]!;
  return x;
}

/** Same length, every element the same (Object.is), one assertion naming the first difference. */
const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let i = 0;
  while (i < a.length && Object.is(a[i], b[i])) i++;
  expect(i === a.length, `element ${i}: ${a[i]} vs ${b[i]}`).toBe(true);
};

afterEach(() => setBackend('wasm'));

describe('row products: the loops against float64 sums', () => {
  it('rowGramian is x·xᵀ in float64, exactly symmetric; rowCombination is Σ wᵢ·xᵢ rounded once', () => {
    const t = 3;
    const n = 11;
    const x = rows(t, n);
    const gram = gramRowsLoop(x, t, n);
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += x[i * n + k]! * x[j * n + k]!;
        expect(gram[i * t + j]).toBeCloseTo(s, 12);
        expect(gram[i * t + j]).toBe(gram[j * t + i]);
      }
    }
    const w = [0.5, -2, 3];
    const out = new Float32Array(n);
    combineRowsLoop(x, w, t, n, out);
    for (let k = 0; k < n; k++) {
      expect(out[k]).toBe(Math.fround(w[0]! * x[k]! + w[1]! * x[n + k]! + w[2]! * x[2 * n + k]!));
    }
  });

  it('skips a row whose weight is 0, so its non-finite values stay out', () => {
    const x = new Tensor(Float32Array.from([1, 2, Number.NaN, Number.POSITIVE_INFINITY]), [2, 2]);
    expect(Array.from(rowCombination(x, [2, 0]).data)).toEqual([2, 4]);
    expect(Array.from(rowCombination(x.to('float64'), [0, 1]).data)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]);
  });
});

describe('row products: the WebAssembly build and the loops agree bit for bit', () => {
  it('runs the WebAssembly path here', () => {
    expect(backend('rowProducts')).toBe('wasm');
  });

  // n = 4096 and 4099 (a tail of 3) are over the WebAssembly threshold; 5 × 7 stays on the loops.
  for (const [t, n, special] of [
    [4, 4096, []],
    [3, 4099, [1]],
    [1, 2048, []],
    [7, 1031, [0, 6]],
    [5, 7, []],
  ] as [number, number, number[]][]) {
    it(`t = ${t}, n = ${n}${special.length ? ', with non-finite values' : ''}: on every variant, staged and in place`, () => {
      const x = rows(t, n, special);
      const stored = kernelStorageZeros([t, n]);
      stored.data.set(x);
      const weights = Array.from({ length: t }, (_, i) => (i === 1 ? 0 : Math.sin(i + 1) * 3));
      const gramLoop = gramRowsLoop(x, t, n);
      const combined = new Float32Array(n);
      combineRowsLoop(x, weights, t, n, combined);
      for (const variant of availableVariants()) {
        setBackend('wasm', { variant });
        for (const input of [new Tensor(x, [t, n]), stored]) {
          sameBits(rowGramian(input).data, gramLoop);
          sameBits(rowCombination(input, weights).data, combined);
        }
      }
      setBackend('js', { kernels: ['rowProducts'] });
      sameBits(rowGramian(new Tensor(x, [t, n])).data, gramLoop);
    });
  }

  it('float64 rows run the loops, with the float64 results', () => {
    const x = new Tensor(Float64Array.from(rows(2, 3000)), [2, 3000]);
    sameBits(rowGramian(x).data, gramRowsLoop(x.data as Float64Array, 2, 3000));
    expect(rowCombination(x, [1, 1]).dtype).toBe('float64');
  });
});

describe('row products: bad input', () => {
  it('names the op, the argument and the fix', () => {
    expect(() => rowGramian(new Tensor(new Float32Array(4), [4]))).toThrow(ShapeError);
    expect(() => rowGramian(new Tensor(new Float32Array(4), [4]))).toThrow(
      'rowGramian: x must be a matrix [rows, columns], got x.shape=[4]',
    );
    expect(() => rowGramian(new Tensor(new Int32Array(4), [2, 2]))).toThrow(DTypeError);
    expect(() => rowCombination(new Tensor(new Float32Array(4), [2, 2]), [1])).toThrow(
      'rowCombination: weights must be 2 numbers, one per row of x (shape [2,2]) — got [1]',
    );
    expect(() => rowCombination(new Tensor(new Float32Array(4), [2, 2]), [1, '2' as never])).toThrow(
      ValueError,
    );
    expect(() => rowGramian(null as never)).toThrow(/rowGramian: x must be a Tensor/);
  });
});
