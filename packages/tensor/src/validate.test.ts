import { describe, expect, it } from 'vitest';
import { checkOptions } from './checks';
import { formatValue } from './errors';
import {
  arange,
  broadcastTo,
  DTypeError,
  expand,
  eye,
  flatten,
  full,
  IndexError,
  linspace,
  type MtlError,
  maskedFill,
  matmul,
  mean,
  ones,
  rand,
  randint,
  reshape,
  ShapeError,
  setBackend,
  sum,
  Tensor,
  tensor,
  ValueError,
  where,
  zeros,
} from './index';
import { MAX_ELEMENTS, requireShape } from './validate';

type ErrorClass = typeof MtlError;

/** The call throws `type`, and its message names the op and the argument (issue 14). */
function expectTyped(call: () => unknown, type: ErrorClass, op: string, argument: string): void {
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  const message = (error as Error).message;
  expect(message.startsWith(`${op}: `), message).toBe(true);
  expect(message).toContain(argument);
}

describe('shapes: non-negative integers, and no tensor above the size limit', () => {
  it('refuses negative or fractional shapes in the constructor, where they used to be accepted', () => {
    expectTyped(() => new Tensor(new Float32Array(6), [-2, -3]), ShapeError, 'Tensor', 'shape');
    expectTyped(() => new Tensor(new Float32Array(6), [1.5, 4]), ShapeError, 'Tensor', 'shape');
    expectTyped(() => new Tensor(null as never, [1]), DTypeError, 'Tensor', 'data');
    expectTyped(() => new Tensor(new Float32Array(6), [2, 2]), ShapeError, 'Tensor', 'shape');
  });

  it('refuses more than 2^31 − 1 elements up front, in every creation path, without allocating', () => {
    expect(MAX_ELEMENTS).toBe(2 ** 31 - 1);
    const huge = [2 ** 31];
    expectTyped(() => zeros(huge), ValueError, 'zeros', '2^31 − 1');
    expectTyped(() => ones([65536, 65536]), ValueError, 'ones', '[65536,65536]');
    expectTyped(() => full([2 ** 32 + 1], 1), ValueError, 'full', 'limit');
    expectTyped(() => rand(huge), ValueError, 'rand', 'limit');
    expectTyped(() => randint(0, 2, huge), ValueError, 'randint', 'limit');
    expectTyped(() => arange(0, 1e15), ValueError, 'arange', 'limit');
    expectTyped(() => linspace(0, 1, 2 ** 31), ValueError, 'linspace', 'steps');
    expectTyped(() => eye(65536), ValueError, 'eye', 'limit');
    expectTyped(() => expand(ones([1, 1]), [65536, 65536]), ValueError, 'expand', 'limit');
    expectTyped(() => broadcastTo(ones([1]), [2 ** 31]), ValueError, 'broadcastTo', 'limit');
    expectTyped(() => reshape(ones([4]), [-1, 0]), ShapeError, 'reshape', '[-1,0]');
    expectTyped(() => tensor([1], { shape: [2 ** 31] }), ValueError, 'tensor', 'limit');
  });

  it('refuses more than 64 dims, and nested arrays deeper than that, before the stack overflows', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expectTyped(() => tensor(deep as never), ShapeError, 'tensor', '64');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expectTyped(() => tensor(cyclic as never), ShapeError, 'tensor', '64');
    expectTyped(() => zeros(new Array(65).fill(1)), ShapeError, 'zeros', '65 dims');
  });

  it('requireShape returns a copy of a valid shape', () => {
    const shape = [2, 3];
    const checked = requireShape('op', 'shape', shape);
    expect(checked).toEqual([2, 3]);
    expect(checked).not.toBe(shape);
  });
});

describe('non-numbers are refused, not coerced', () => {
  it('full, linspace, maskedFill and arange', () => {
    expectTyped(() => full([2], {} as never), ValueError, 'full', 'value');
    expectTyped(() => linspace(0, 'x' as never, 3), ValueError, 'linspace', 'end');
    expectTyped(
      () => maskedFill(zeros([2]), tensor([true, false]), '7' as never),
      ValueError,
      'maskedFill',
      'value',
    );
    expectTyped(() => arange('5' as never), ValueError, 'arange', 'end');
    expectTyped(() => arange(0, 5, Number.NaN), ValueError, 'arange', 'step');
  });
});

describe('masks and conditions must be bool, as in PyTorch', () => {
  it('refuses a float mask and a float condition (NaN used to count as false)', () => {
    expectTyped(() => maskedFill(zeros([2]), tensor([1, Number.NaN]), 5), DTypeError, 'maskedFill', 'mask');
    expectTyped(() => where(tensor([1, Number.NaN]), 1, 2), DTypeError, 'where', 'cond');
    expectTyped(() => where(tensor([1, 0], { dtype: 'int32' }), 1, 2), DTypeError, 'where', ".to('bool')");
  });

  it('still takes bool masks, comparisons and JS booleans', () => {
    expect(maskedFill(zeros([2]), tensor([true, false]), 5).toArray()).toEqual([5, 0]);
    expect(where(tensor([1, -1]).gt(0), 1, 2).toArray()).toEqual([1, 2]);
    expect(where(true, tensor([1]), 2).toArray()).toEqual([1]);
    expect(maskedFill(tensor([false, false]), tensor([true, false]), 7).toArray()).toEqual([true, false]);
  });
});

describe('dims are checked, even where they used to be ignored', () => {
  it('flatten checks startDim and endDim, a 0-d tensor included', () => {
    expectTyped(() => flatten(tensor(1), 99, -99), IndexError, 'flatten', 'startDim');
    expectTyped(() => flatten(zeros([2, 2]), 0, -99), IndexError, 'flatten', 'endDim');
    expect(flatten(tensor(1)).shape).toEqual([1]);
  });

  it('reductions refuse a dim that is not a number or a list, and the ambiguous empty list', () => {
    expectTyped(() => sum(zeros([2]), true as never), IndexError, 'sum', 'dim');
    expectTyped(() => sum(zeros([2]), Symbol('d') as never), IndexError, 'sum', 'Symbol(d)');
    expectTyped(() => sum(tensor([1, 2, 3]), []), IndexError, 'sum', 'empty list');
  });
});

describe('generic errors from deep inside became typed ones', () => {
  it('names the op and the argument', () => {
    expectTyped(() => sum(null as never), DTypeError, 'sum', 'x must be a Tensor');
    expectTyped(() => eye(2, 2, { dtype: 'float16' as never }), DTypeError, 'eye', 'dtype');
    expectTyped(() => mean(zeros([2]), 0, null as never), ValueError, 'mean', 'options');
    expectTyped(() => zeros([2]).to(1n as never), DTypeError, 'to', '1n');
    expectTyped(() => setBackend(1n as never), ValueError, 'setBackend', 'backend');
    expectTyped(() => matmul(zeros([2, 2]), zeros([2, 2]), null as never), ValueError, 'matmul', 'options');
  });

  it('refuses unknown option keys, so a typo is not silently ignored', () => {
    expectTyped(() => sum(zeros([2, 2]), 0, { keepdim: true } as never), ValueError, 'sum', '"keepdim"');
    expectTyped(() => zeros([2], { dtyp: 'int32' } as never), ValueError, 'zeros', '"dtyp"');
    expectTyped(() => sum(zeros([2]), 0, { keepDim: 1 } as never), ValueError, 'sum', 'keepDim');
    expect(checkOptions('op', { keepDim: undefined }, ['keepDim'])).toEqual({ keepDim: undefined });
    expect(checkOptions('op', Object.create(null), ['keepDim'])).toEqual({});
  });
});

describe('formatValue', () => {
  it('shows any value without throwing, symbols and bigints included', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const hostile = {
      get shape(): never {
        throw new Error('no');
      },
    };
    const ownConstructor = Object.defineProperty({}, 'constructor', {
      get() {
        throw new Error('no');
      },
    });
    const values: unknown[] = [
      Symbol('s'),
      10n,
      null,
      undefined,
      'x',
      'y'.repeat(50),
      -0,
      [1, [2]],
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      new Float32Array(3),
      zeros([2, 3]),
      Object.create(null),
      { lr: 0.1, 'a-b': 'x' },
      { a: 1, b: 2, c: 3, d: 4, e: 5 },
      new Map(),
      new Error('e'),
      () => 1,
      revoked.proxy,
      hostile,
      ownConstructor,
    ];
    const cyclic: { dtype: string; shape: unknown[] } = { dtype: 'float32', shape: [] };
    cyclic.shape.push(cyclic);
    values.push(cyclic, { ['k'.repeat(100)]: 1 });
    expect(values.map((v) => formatValue(v))).toEqual([
      'Symbol(s)',
      '10n',
      'null',
      'undefined',
      '"x"',
      `"${'y'.repeat(40)}…"`,
      '-0',
      '[1, [2]]',
      'an array of length 9',
      'a Float32Array of length 3',
      'a float32 Tensor of shape [2,3]',
      '{}',
      '{ lr: 0.1, "a-b": "x" }',
      'an object',
      'a Map',
      'an Error',
      'a function',
      'an unreadable value',
      'an unreadable value',
      '{}',
      'a float32 Tensor',
      `{ "${'k'.repeat(40)}…": 1 }`,
    ]);
  });
});
