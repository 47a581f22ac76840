import { describe, expect, it } from 'vitest';
import fixture from '../test/fixtures/format.json';
import type { DType, TypedArray } from './dtype';
import { ShapeError } from './errors';
import { formatTensor } from './format';

interface FormatCase {
  name: string;
  dtype: DType;
  shape: number[];
  data: (number | boolean | 'nan' | 'inf' | '-inf')[];
  expected: string;
  torch: string;
}

function decode(value: FormatCase['data'][number]): number {
  if (value === 'nan') return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

function toArray(dtype: DType, values: number[]): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

const cases = fixture.cases as FormatCase[];

describe('formatTensor matches PyTorch 1.13 str(tensor)', () => {
  it('has the fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const data = toArray(c.dtype, c.data.map(decode));
    expect(formatTensor(data, c.shape, c.dtype)).toBe(c.expected);
  });

  it('differs from PyTorch only in dtype names and where the shorter name fits on the line', () => {
    for (const c of cases) {
      const renamed = c.torch.replace(/dtype=torch\.(\w+)/, 'dtype=$1');
      if (c.name === 'suffix-fits-only-with-short-name') {
        expect(renamed).not.toBe(c.expected);
        expect(renamed.replace(',\n       dtype=', ', dtype=')).toBe(c.expected);
      } else {
        expect(renamed).toBe(c.expected);
      }
    }
  });
});

describe('formatTensor details', () => {
  it('rounds exact halves to even, unlike toFixed', () => {
    expect(formatTensor(new Float64Array([0.03125, 1]), [2], 'float64')).toBe(
      'tensor([0.0312, 1.0000], dtype=float64)',
    );
    expect((0.03125).toFixed(4)).toBe('0.0313');
  });

  it('keeps the sign of negatives that round to zero', () => {
    expect(formatTensor(new Float64Array([-0.00004, 1]), [2], 'float64')).toBe(
      'tensor([-4.0000e-05,  1.0000e+00], dtype=float64)',
    );
    expect(formatTensor(new Float32Array([-0.25, 1]), [2], 'float32')).toBe('tensor([-0.2500,  1.0000])');
  });

  it('carries rounding into the exponent', () => {
    expect(formatTensor(new Float64Array([9.99996, 1e-5]), [2], 'float64')).toBe(
      'tensor([1.0000e+01, 1.0000e-05], dtype=float64)',
    );
  });

  it('prints subnormals and huge values in scientific notation', () => {
    expect(formatTensor(new Float64Array([5e-324, 1.7976931348623157e308]), [2], 'float64')).toBe(
      'tensor([4.9407e-324, 1.7977e+308], dtype=float64)',
    );
  });

  it('rejects data that does not fit the shape', () => {
    expect(() => formatTensor(new Float32Array(5), [2, 3], 'float32')).toThrow(ShapeError);
    expect(() => formatTensor(new Float32Array(5), [2, 3], 'float32')).toThrow(/shape=\[2,3\] needs 6/);
    expect(() => formatTensor(new Float32Array(0), [-1], 'float32')).toThrow(/non-negative/);
  });
});
