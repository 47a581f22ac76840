import { describe, expect, it } from 'vitest';
import {
  abs,
  add,
  arange,
  full,
  indexAdd,
  linspace,
  maskedFill,
  matmul,
  mul,
  neg,
  pow,
  prod,
  randint,
  scatterAdd,
  square,
  sum,
  tensor,
  ValueError,
  where,
} from './index';

const i32 = { dtype: 'int32' as const };

/** The call throws a ValueError naming the op and pointing to float64 (the int32 rule). */
function expectOverflow(call: () => unknown, op: string): void {
  expect(call).toThrow(ValueError);
  expect(call).toThrow(new RegExp(`^${op}: .*(does not fit int32|is not an integer).*float64`));
}

describe('the int32 rule: never wrap, never round silently', () => {
  it('refuses creating int32 values that are not integers or do not fit', () => {
    expectOverflow(() => tensor([1e10], i32), 'tensor');
    expectOverflow(() => tensor([1.5], i32), 'tensor');
    expectOverflow(() => tensor(new Float64Array([2 ** 31]), i32), 'tensor');
    expectOverflow(() => full([2], 2 ** 31, i32), 'full');
    expectOverflow(() => arange(2 ** 31 - 2, 2 ** 31 + 1, 1, i32), 'arange');
    expectOverflow(() => arange(0.5, 3, 1, i32), 'arange');
    expectOverflow(() => linspace(0, 1, 3, i32), 'linspace');
    expectOverflow(() => maskedFill(tensor([1], i32), tensor([true]), 2 ** 40), 'maskedFill');
    expectOverflow(() => where(tensor([true]), tensor([1], i32), 2 ** 40), 'where');
    expect(tensor([-(2 ** 31), 2 ** 31 - 1], i32).toArray()).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(arange(2 ** 31 - 3, 2 ** 31, 1, i32).toArray()).toEqual([2 ** 31 - 3, 2 ** 31 - 2, 2 ** 31 - 1]);
    expect(linspace(0, 10, 3, i32).toArray()).toEqual([0, 5, 10]);
  });

  it('refuses int32 arithmetic and reductions whose exact result does not fit', () => {
    const big = full([4], 2 ** 30, i32);
    expectOverflow(() => sum(big), 'sum');
    expectOverflow(() => prod(tensor([2 ** 16, 2 ** 16], i32)), 'prod');
    expectOverflow(() => add(big, big), 'add');
    expectOverflow(() => add(tensor([1], i32), 2 ** 40), 'add');
    expectOverflow(() => mul(tensor([2 ** 16], i32), tensor([2 ** 16], i32)), 'mul');
    expectOverflow(() => pow(tensor([3], i32), 40), 'pow');
    expectOverflow(() => neg(tensor([-(2 ** 31)], i32)), 'neg');
    expectOverflow(() => abs(tensor([-(2 ** 31)], i32)), 'abs');
    expectOverflow(() => square(tensor([2 ** 16], i32)), 'square');
    expectOverflow(() => matmul(full([1, 2], 2 ** 16, i32), full([2, 1], 2 ** 16, i32)), 'matmul');
    expect(() => scatterAdd(big, 0, tensor([0, 0], i32), big.narrow(0, 0, 2))).toThrow(
      /^scatterAdd: .*int32/,
    );
    expect(() => indexAdd(big, 0, tensor([0], i32), big.narrow(0, 0, 1))).toThrow(/^indexAdd: .*int32/);
  });

  it('keeps exact results that fit, at the edges too', () => {
    expect(sum(tensor([2 ** 30, 2 ** 30 - 1, -1], i32)).item()).toBe(2 ** 31 - 2);
    expect(add(tensor([2 ** 31 - 2], i32), 1).item()).toBe(2 ** 31 - 1);
    expect(pow(tensor([-2], i32), 31).item()).toBe(-(2 ** 31));
    expect(matmul(tensor([[46340, 1]], i32), tensor([[46340], [0]], i32)).item()).toBe(46340 * 46340);
    // The wrapped kernel result is exact when large terms cancel.
    expect(
      matmul(
        tensor([[2 ** 30 + 1, 2 ** 30 + 1]], i32),
        tensor([[2 ** 30 + 1], [-(2 ** 30 + 1)]], i32),
      ).item(),
    ).toBe(0);
  });

  it("casts with .to('int32') by truncation, refusing what int32 cannot hold", () => {
    expect(tensor([1.7, -1.7]).to('int32').toArray()).toEqual([1, -1]);
    expect(() => tensor([Number.NaN]).to('int32')).toThrow(ValueError);
    expect(() => tensor([3e9], { dtype: 'float64' }).to('int32')).toThrow(/^to: element 0/);
  });

  it('randint draws inside [low, high) or refuses bounds its dtype cannot hold', () => {
    expect(() => randint(0, 2 ** 40, [5])).toThrow(/^randint: high/);
    expect(() => randint(0, 2 ** 25, [3], { dtype: 'float32' })).toThrow(/^randint: high/);
    expect(() => randint(3, 3, [1])).toThrow(/^randint: low must be less than high/);
    expect(() => randint(0, 1.5, [1])).toThrow(ValueError);
    const draws = randint(-(2 ** 31), 2 ** 31, [1000]);
    expect(draws.data.every((v) => v >= -(2 ** 31) && v < 2 ** 31)).toBe(true);
    const f64 = randint(0, 2 ** 40, [1000], { dtype: 'float64' });
    expect(f64.data.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 40)).toBe(true);
    expect(randint(0, 2, [50], { dtype: 'bool' }).data.every((v) => v === 0 || v === 1)).toBe(true);
  });
});
