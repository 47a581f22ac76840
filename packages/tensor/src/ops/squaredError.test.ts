import { describe, expect, it } from 'vitest';
import { randn } from '../creation/random';
import { tensor } from '../creation/tensor';
import { Generator } from '../random/Generator';
import { mean } from './mean';
import { mul } from './mul';
import { squaredError } from './squaredError';
import { sub } from './sub';
import { sum } from './sum';

describe('squaredError', () => {
  it('equals mean/sum of (a − b)² from the separate ops, bit for bit, in float32 and float64', () => {
    const g = new Generator(7);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [[1], [256, 1], [3, 5, 7], [1000]]) {
        const a = randn(shape, { generator: g, dtype });
        const b = randn(shape, { generator: g, dtype });
        const d = sub(a, b);
        const composite = { mean: mean(mul(d, d)), sum: sum(mul(d, d)) };
        for (const reduction of ['mean', 'sum'] as const) {
          const fused = squaredError(a, b, { reduction });
          expect(fused.dtype).toBe(dtype);
          expect(fused.shape).toEqual([]);
          expect(fused.item()).toBe(composite[reduction].item());
        }
      }
    }
  });

  it('gives NaN for the mean of no elements and 0 for their sum, as PyTorch', () => {
    const empty = tensor([], { shape: [0, 3] });
    expect(squaredError(empty, empty).item()).toBeNaN();
    expect(squaredError(empty, empty, { reduction: 'sum' }).item()).toBe(0);
  });

  it('names a mismatched shape, dtype or reduction', () => {
    const a = tensor([1, 2, 3]);
    expect(() => squaredError(a, tensor([1, 2]))).toThrow(
      'squaredError: a and b must have one shape — got [3] and [2]',
    );
    expect(() => squaredError(a, a.to('float64'))).toThrow(/one dtype — got float32 and float64/);
    expect(() => squaredError(a.to('int32'), a.to('int32'))).toThrow(/a has dtype int32/);
    expect(() => squaredError(a, a, { reduction: 'none' as never })).toThrow(
      /reduction must be one of 'mean', 'sum' — got "none"/,
    );
    // A misspelt option is refused, not read as the default 'mean'.
    expect(() => squaredError(a, a, { reduce: 'sum' } as never)).toThrow(
      'squaredError: unknown option "reduce" (known: reduction)',
    );
  });
});
