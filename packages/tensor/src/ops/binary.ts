import { getKernel, KERNELS } from '../backend/registry';
import { allocate, type DType, isFloating, promoteTypes, promoteWithScalar } from '../dtype';
import { DTypeError, formatValue } from '../errors';
import { toInt32 } from '../int32';
import type { BinaryFn, BinaryLoop } from '../kernels/elementwise';
import { broadcastShapes, sizeOf } from '../shape';
import { Tensor } from '../Tensor';

/** A tensor, or a JS number/boolean standing for a 0-d tensor (PyTorch's "wrapped number"). */
export type TensorLike = Tensor | number | boolean;

/** What a binary op computes in, given its operands' common dtype. */
export type ResultRule =
  | 'promote' // arithmetic: the promoted dtype (bool results are normalised to 0/1)
  | 'float' // true division, pow with float exponent…: ints become float32
  | 'bool'; // comparisons and logical ops

/**
 * The common dtype of two operands, by PyTorch's priorities: tensors with dims outrank 0-d
 * tensors, which outrank JS numbers; a lower-priority operand can raise the category
 * (bool → int → float) but not the width, so `float32[3] + float64[]` stays float32 while
 * `int32[3] + float64[]` becomes float64.
 */
export function commonDType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) {
    if ((a.rank === 0) === (b.rank === 0)) return promoteTypes(a.dtype, b.dtype);
    const [dimensioned, zeroDim] = a.rank === 0 ? [b, a] : [a, b];
    return category(zeroDim.dtype) > category(dimensioned.dtype) ? zeroDim.dtype : dimensioned.dtype;
  }
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number | boolean);
  if (b instanceof Tensor) return promoteWithScalar(b.dtype, a as number | boolean);
  if (typeof a === 'boolean' && typeof b === 'boolean') return 'bool';
  return 'float32';
}

function category(dtype: DType): number {
  return dtype === 'bool' ? 0 : dtype === 'int32' ? 1 : 2;
}

export function checkOperand(op: string, name: string, x: TensorLike): void {
  if (!(x instanceof Tensor) && typeof x !== 'number' && typeof x !== 'boolean') {
    throw new DTypeError(
      `${op}: ${name} must be a Tensor or a number — got ${formatValue(x)} (wrap arrays with tensor(...); ` +
        "for Variables use @mtl/autograd's ops)",
    );
  }
}

function asData(x: TensorLike): { data: Tensor['data']; shape: readonly number[] } {
  if (x instanceof Tensor) return { data: x.data, shape: x.shape };
  return { data: Float64Array.of(Number(x)), shape: [] };
}

/**
 * Runs `fn` elementwise over a and b with broadcasting. `rule` picks the output dtype from the
 * operands' common dtype; `loop`, when given, is `fn` as a row loop (see `BinaryLoop`), for speed.
 */
export function binaryOp(
  op: string,
  a: TensorLike,
  b: TensorLike,
  fn: BinaryFn,
  rule: ResultRule = 'promote',
  loop?: BinaryLoop,
): Tensor {
  checkOperand(op, 'a', a);
  checkOperand(op, 'b', b);
  const common = commonDType(a, b);
  const dtype: DType =
    rule === 'bool' ? 'bool' : rule === 'float' && !isFloating(common) ? 'float32' : common;
  const ad = asData(a);
  const bd = asData(b);
  const shape = broadcastShapes(op, ad.shape, bd.shape);
  // int32 results are computed exactly in float64 and then checked (the int32 rule, int32.ts).
  const exact = dtype === 'int32';
  const out = exact ? new Float64Array(sizeOf(shape)) : allocate(dtype, sizeOf(shape));
  const normalise = dtype === 'bool' && rule !== 'bool';
  const kernelFn: BinaryFn = normalise ? (x, y) => (fn(x, y) !== 0 ? 1 : 0) : fn;
  getKernel(KERNELS.binary)(
    ad.data,
    ad.shape,
    bd.data,
    bd.shape,
    out,
    shape,
    kernelFn,
    normalise ? undefined : loop,
  );
  return new Tensor(exact ? toInt32(op, out) : out, shape, dtype);
}
