import { getKernel, KERNELS } from '../backend/registry';
import { allocate, type DType, floatResult } from '../dtype';
import { DTypeError, formatValue } from '../errors';
import { toInt32 } from '../int32';
import type { UnaryFn, UnaryLoop } from '../kernels/elementwise';
import { Tensor } from '../Tensor';
import type { TensorLike } from './binary';

/**
 * How a unary op picks its output dtype:
 * - 'float': always floating (exp, sqrt, sigmoid…); ints and bools become float32.
 * - 'numeric': keeps int32 and floats (abs, neg, relu…); bool is rejected.
 * - 'any': keeps every dtype, bool included (sign).
 */
export type UnaryRule = 'float' | 'numeric' | 'any';

/** Accepts a JS number where a tensor is expected, as a 0-d float32 tensor. */
export function asTensor(op: string, x: TensorLike, name = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return new Tensor(Float32Array.of(x), [], 'float32');
  if (typeof x === 'boolean') return new Tensor(Uint8Array.of(x ? 1 : 0), [], 'bool');
  throw new DTypeError(
    `${op}: ${name} must be a Tensor or a number — got ${formatValue(x)} (wrap arrays with tensor(...); ` +
      "for Variables use @mtl/autograd's ops)",
  );
}

/** Runs `fn` elementwise over x (`loop`, when given, is the same as a loop without a call per element). */
export function unaryOp(
  op: string,
  x: TensorLike,
  fn: UnaryFn,
  rule: UnaryRule = 'float',
  loop?: UnaryLoop,
): Tensor {
  const t = asTensor(op, x);
  let dtype: DType = t.dtype;
  if (rule === 'float') dtype = floatResult(t.dtype);
  else if (rule === 'numeric' && t.dtype === 'bool') {
    throw new DTypeError(
      `${op}: not defined for bool tensors (cast first: x.to('int32') or x.to('float32'))`,
    );
  }
  // int32 results are computed in float64 and checked: neg and abs of −2^31 do not fit (int32.ts).
  if (dtype === 'int32') {
    const exact = new Float64Array(t.size);
    getKernel(KERNELS.unary)(t.data, exact, fn, loop);
    return new Tensor(toInt32(op, exact), t.shape, dtype);
  }
  const out = allocate(dtype, t.size);
  getKernel(KERNELS.unary)(t.data, out, fn, loop);
  return new Tensor(out, t.shape, dtype);
}
