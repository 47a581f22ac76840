import { describe, expect, it } from 'vitest';
import {
  add,
  arange,
  chunk,
  clamp,
  concat,
  DTypeError,
  dot,
  eigh,
  expand,
  flatten,
  gather,
  IndexError,
  indexAdd,
  indexSelect,
  inv,
  LinAlgError,
  MtlError,
  maskedFill,
  matmul,
  mean,
  narrow,
  oneHot,
  ones,
  permute,
  pow,
  reshape,
  ShapeError,
  scatterAdd,
  select,
  slice,
  sliceScatter,
  softmax,
  solve,
  split,
  squeeze,
  stack,
  sub,
  sum,
  tensor,
  transpose,
  unsqueeze,
  ValueError,
  zeros,
} from '../src/index';

/**
 * Every bad input gets a typed error, thrown before any work, whose message names the op and
 * the shapes involved. Each row: the call, the error class, and text the message must contain.
 */
type ErrorClass = typeof ShapeError;
const cases: [string, () => unknown, ErrorClass, ...(string | RegExp)[]][] = [
  // Broadcasting and elementwise.
  [
    'add: shapes that do not broadcast',
    () => add(ones([2, 3]), ones([4, 3])),
    ShapeError,
    'add',
    '[2,3]',
    '[4,3]',
  ],
  [
    'add: an array instead of a tensor',
    () => add(ones([2]), [1, 2] as never),
    DTypeError,
    'add',
    'tensor(...)',
  ],
  ['sub: bool minus bool', () => sub(tensor([true]), tensor([false])), DTypeError, 'sub', 'bool'],
  [
    'pow: int to a negative power',
    () => pow(tensor([2], { dtype: 'int32' }), -1),
    DTypeError,
    'pow',
    'negative',
  ],
  ['clamp: no bounds', () => clamp(ones([2])), ValueError, 'clamp', 'min'],
  [
    'maskedFill: mask that grows x',
    () => maskedFill(ones([3]), ones([2, 3], { dtype: 'bool' }), 0),
    ShapeError,
    'maskedFill',
    '[2,3]',
    '[3]',
  ],
  // matmul and linear algebra.
  [
    'matmul: inner dims differ',
    () => matmul(ones([2, 3]), ones([4, 5])),
    ShapeError,
    'matmul: inner dimensions differ — a.shape=[2,3], b.shape=[4,5] (3 vs 4)',
  ],
  [
    'matmul: batch dims do not broadcast',
    () => matmul(ones([2, 2, 3]), ones([3, 3, 4])),
    ShapeError,
    'matmul',
    '[2]',
    '[3]',
  ],
  [
    'matmul: bool operands',
    () => matmul(ones([2, 2], { dtype: 'bool' }), ones([2, 2], { dtype: 'bool' })),
    DTypeError,
    'matmul',
    'bool',
  ],
  ['matmul: a 0-d operand', () => matmul(tensor(2), ones([2])), ShapeError, 'matmul', 'shape=[]'],
  ['dot: 2-d operand', () => dot(ones([2, 2]), ones([2])), ShapeError, 'dot', '[2,2]'],
  ['dot: lengths differ', () => dot(ones([2]), ones([3])), ShapeError, 'dot', '[2]', '[3]'],
  ['solve: non-square a', () => solve(ones([2, 3]), ones([2])), ShapeError, 'solve', '[2,3]'],
  ['solve: b does not match', () => solve(ones([2, 2]), ones([3])), ShapeError, 'solve', '[3]', '[2,2]'],
  ['solve: singular a', () => solve(ones([2, 2]), ones([2])), LinAlgError, 'solve', 'singular'],
  ['inv: singular a', () => inv(zeros([3, 3])), LinAlgError, 'inv', 'singular'],
  [
    'inv: NaN input',
    () =>
      inv(
        tensor([
          [1, Number.NaN],
          [0, 1],
        ]),
      ),
    LinAlgError,
    'inv',
    'NaN',
  ],
  ['eigh: non-square a', () => eigh(ones([3, 2])), ShapeError, 'eigh', '[3,2]'],
  // Dims.
  ['sum: dim out of range', () => sum(ones([2, 3]), 2), IndexError, 'sum', 'dim 2', '[2,3]'],
  ['sum: negative dim out of range', () => sum(ones([2, 3]), -3), IndexError, 'sum', 'dim -3', '[2,3]'],
  ['sum: non-integer dim', () => sum(ones([2, 3]), 0.5), IndexError, 'sum', '0.5'],
  ['sum: repeated dim', () => sum(ones([2, 3]), [1, -1]), IndexError, 'sum', 'more than once'],
  ['mean: int tensor', () => mean(ones([2], { dtype: 'int32' })), DTypeError, 'mean', 'int32'],
  ['softmax: dim out of range', () => softmax(ones([2, 3]), 5), IndexError, 'softmax', '[2,3]'],
  ['transpose: dim out of range', () => transpose(ones([2, 3]), 0, 2), IndexError, 'transpose', '[2,3]'],
  ['permute: wrong number of dims', () => permute(ones([2, 3]), [0]), IndexError, 'permute', '[2,3]'],
  ['permute: repeated dim', () => permute(ones([2, 3]), [0, 0]), IndexError, 'permute', 'repeat'],
  ['unsqueeze: dim out of range', () => unsqueeze(ones([2, 3]), 4), IndexError, 'unsqueeze', '[2,3]'],
  ['squeeze: dim out of range', () => squeeze(ones([2, 1]), 3), IndexError, 'squeeze', '[2,1]'],
  ['flatten: start after end', () => flatten(ones([2, 3, 4]), 2, 1), ShapeError, 'flatten', '[2,3,4]'],
  // Shapes.
  ['reshape: wrong size', () => reshape(ones([2, 3]), [4, 2]), ShapeError, 'reshape', '[4,2]', '[2,3]'],
  [
    'reshape: -1 that does not divide',
    () => reshape(ones([2, 3]), [4, -1]),
    ShapeError,
    'reshape',
    '[4,-1]',
    '[2,3]',
  ],
  ['reshape: two -1s', () => reshape(ones([2, 3]), [-1, -1]), ShapeError, 'reshape', 'only one'],
  ['reshape: negative dim', () => reshape(ones([2, 3]), [-2, -3]), ShapeError, 'reshape', '-2'],
  ['expand: non-1 dim', () => expand(ones([2, 3]), [4, 3]), ShapeError, 'expand', '[2,3]', '[4,3]'],
  ['expand: fewer dims', () => expand(ones([2, 3]), [3]), ShapeError, 'expand', '[2,3]'],
  [
    'concat: mismatched dims',
    () => concat([ones([2, 3]), ones([2, 4])], 0),
    ShapeError,
    'concat',
    '[2,3]',
    '[2,4]',
  ],
  ['concat: empty list', () => concat([]), ShapeError, 'concat', 'non-empty'],
  ['stack: different shapes', () => stack([ones([2]), ones([3])]), ShapeError, 'stack', '[2]', '[3]'],
  ['split: sizes do not sum', () => split(ones([5, 2]), [2, 2]), ShapeError, 'split', '[5,2]'],
  ['chunk: zero chunks', () => chunk(ones([4]), 0), ValueError, 'chunk', '0'],
  [
    'tensor: ragged nested array',
    () => tensor([[1, 2], [3]]),
    ShapeError,
    'ragged',
    'values[1]',
    '[2]',
    '[1]',
  ],
  ['tensor: shape does not fit', () => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, 'tensor', '[2,2]'],
  ['tensor: unknown dtype', () => tensor([1], { dtype: 'int64' as never }), DTypeError, 'tensor', 'int64'],
  ['zeros: negative size', () => zeros([2, -1]), ShapeError, 'zeros', 'shape', '[2,-1]'],
  ['arange: step of zero', () => arange(0, 5, 0), ValueError, 'arange', 'step'],
  // Indexing.
  ['select: index out of bounds', () => select(ones([2, 3]), 1, 3), IndexError, 'select', 'index 3', '[2,3]'],
  ['narrow: past the end', () => narrow(ones([2, 3]), 1, 2, 2), IndexError, 'narrow', '[2,3]'],
  ['slice: zero step', () => slice(ones([4]), 0, 0, 4, 0), ValueError, 'slice', 'step'],
  [
    'gather: index out of bounds',
    () => gather(ones([2, 3]), 1, tensor([[0, 3]], { dtype: 'int32' })),
    IndexError,
    'gather',
    'index 3',
    '[2,3]',
  ],
  ['gather: float index', () => gather(ones([2, 3]), 1, tensor([[0, 1]])), DTypeError, 'gather', 'int32'],
  [
    'gather: rank mismatch',
    () => gather(ones([2, 3]), 1, tensor([0], { dtype: 'int32' })),
    ShapeError,
    'gather',
    '[1]',
    '[2,3]',
  ],
  [
    'indexSelect: index out of bounds',
    () => indexSelect(ones([2, 3]), 0, tensor([2], { dtype: 'int32' })),
    IndexError,
    'indexSelect',
    'index 2',
    '[2,3]',
  ],
  [
    'oneHot: class out of range',
    () => oneHot(tensor([0, 3], { dtype: 'int32' }), 3),
    IndexError,
    'oneHot',
    '3',
  ],
  [
    'scatterAdd: src shape differs from index',
    () => scatterAdd(ones([2, 3]), 1, tensor([[0, 1]], { dtype: 'int32' }), ones([2, 2])),
    ShapeError,
    'scatterAdd',
    '[1,2]',
    '[2,2]',
    '[2,3]',
  ],
  [
    'indexAdd: index out of bounds',
    () => indexAdd(ones([2, 3]), 0, tensor([2], { dtype: 'int32' }), ones([1, 3])),
    IndexError,
    'indexAdd',
    'index 2',
    '[2,3]',
  ],
  [
    'sliceScatter: src does not fit the slice',
    () => sliceScatter(ones([4, 3]), ones([3, 3]), 0, 0, 4, 2),
    ShapeError,
    'sliceScatter',
    '[3,3]',
    '[2,3]',
  ],
  ['item: several elements', () => ones([2, 2]).item(), ShapeError, 'item', '[2,2]'],
  ['to: unknown dtype', () => ones([2]).to('float16' as never), DTypeError, 'float16'],
];

describe('errors', () => {
  it.each(cases)('%s', (_name, call, errorClass, ...needles) => {
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(errorClass);
    expect(caught).toBeInstanceOf(MtlError);
    const message = (caught as Error).message;
    for (const needle of needles) {
      if (typeof needle === 'string') expect(message).toContain(needle);
      else expect(message).toMatch(needle);
    }
  });
});
