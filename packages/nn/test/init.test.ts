import { Generator, type Tensor, zeros } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import * as init from '../src/init/index';

/** Sample mean and variance of a tensor's values. */
function stats(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const v = Array.from(t.data);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, min: Math.min(...v), max: Math.max(...v) };
}

const g = () => new Generator(42);
// [fanOut, fanIn, kernel]: fanIn = 64·3, fanOut = 128·3, 24,576 samples.
const shape = [128, 64, 3];
const fanIn = 64 * 3;
const fanOut = 128 * 3;

describe('init', () => {
  it('xavierUniform: U(±gain·√(6/(fanIn+fanOut)))', () => {
    const bound = 2 * Math.sqrt(6 / (fanIn + fanOut));
    const s = stats(init.xavierUniform(zeros(shape), { gain: 2, generator: g() }));
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.variance).toBeCloseTo(bound ** 2 / 3, 3);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
  });

  it('xavierNormal: std = gain·√(2/(fanIn+fanOut))', () => {
    const std = Math.sqrt(2 / (fanIn + fanOut));
    const s = stats(init.xavierNormal(zeros(shape), { generator: g() }));
    expect(Math.sqrt(s.variance) / std).toBeCloseTo(1, 1);
  });

  it('kaimingUniform: bound = gain·√(3/fanIn), gain √2 for relu, and fanOut mode', () => {
    const bound = Math.SQRT2 * Math.sqrt(3 / fanIn);
    const s = stats(init.kaimingUniform(zeros(shape), { nonlinearity: 'relu', generator: g() }));
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.variance).toBeCloseTo(bound ** 2 / 3, 3);
    const out = stats(
      init.kaimingUniform(zeros(shape), { nonlinearity: 'relu', mode: 'fanOut', generator: g() }),
    );
    expect(out.max).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / fanOut));
  });

  it('kaimingNormal with leakyRelu slope a: std = √(2/(1+a²))/√fanIn', () => {
    const std = Math.sqrt(2 / (1 + 0.2 ** 2)) / Math.sqrt(fanIn);
    const s = stats(init.kaimingNormal(zeros(shape), { a: 0.2, generator: g() }));
    expect(Math.sqrt(s.variance) / std).toBeCloseTo(1, 1);
  });

  it('uniform, normal, constant, zeros, ones', () => {
    const u = stats(init.uniform(zeros([10000]), { low: -2, high: 3, generator: g() }));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    const n = stats(init.normal(zeros([10000]), { mean: 1, std: 0.5, generator: g() }));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(n.variance)).toBeCloseTo(0.5, 1);
    expect(Array.from(init.constant(zeros([3]), 7).data)).toEqual([7, 7, 7]);
    expect(Array.from(init.ones(zeros([2])).data)).toEqual([1, 1]);
    expect(Array.from(init.zeros(init.ones(zeros([2]))).data)).toEqual([0, 0]);
  });

  it.each([
    [5, 3],
    [3, 5],
    [4, 4],
  ])('orthogonal [%i, %i]: QᵀQ = I (or QQᵀ = I) times gain²', (rows, cols) => {
    const q = init.orthogonal(zeros([rows, cols], { dtype: 'float64' }), { gain: 2, generator: g() });
    const small = Math.min(rows, cols);
    for (let i = 0; i < small; i++) {
      for (let j = 0; j < small; j++) {
        let dot = 0;
        for (let k = 0; k < Math.max(rows, cols); k++) {
          dot += rows >= cols ? q.get(k, i) * q.get(k, j) : q.get(i, k) * q.get(j, k);
        }
        expect(dot).toBeCloseTo(i === j ? 4 : 0, 10);
      }
    }
  });

  it('the same seed gives the same weights', () => {
    const a = init.kaimingNormal(zeros([4, 4]), { generator: new Generator(5) });
    const b = init.kaimingNormal(zeros([4, 4]), { generator: new Generator(5) });
    expect(a.toArray()).toEqual(b.toArray());
  });

  it('calculateGain matches PyTorch', () => {
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain('leakyRelu', 0.1)).toBeCloseTo(Math.sqrt(2 / 1.01), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
  });

  it('names a tensor with too few dims for fans, and non-float tensors', () => {
    expect(() => init.xavierUniform(zeros([5]))).toThrow(
      /xavierUniform: fan in and fan out need a tensor with at least 2 dims, got shape \[5\]/,
    );
    expect(() => init.uniform(zeros([2], { dtype: 'int32' }))).toThrow(
      /uniform: can only fill float tensors, got dtype int32/,
    );
  });
});
