import { checkChoice, checkOptions, optionKeys } from '../checks';
import { DTypeError, formatShape, ShapeError } from '../errors';
import { linearReluInto } from '../kernels/linearPasses';
import { Tensor } from '../Tensor';
import { allocateChecked, requireTensor } from '../validate';
import { gelu, relu, silu } from './activations';
import { add } from './add';
import { biasActivation } from './biasActivation';
import { sigmoid, tanh } from './math';
import { matmul } from './matmul';

/** The activations {@link linear} can apply to its product; `'none'` leaves the product as it is. */
export type LinearActivation = 'none' | 'relu' | 'gelu' | 'silu' | 'tanh' | 'sigmoid';

/** Every {@link LinearActivation}, in the order messages list them. */
export const LINEAR_ACTIVATIONS: readonly LinearActivation[] = Object.freeze([
  'none',
  'relu',
  'gelu',
  'silu',
  'tanh',
  'sigmoid',
]);

/** Options of {@link linear}. */
export interface LinearOptions {
  /**
   * Applied to x·weightᵀ + bias: `'none'` (the default), `'relu'`, `'gelu'` (exact, erf-based,
   * as `gelu(x)` and torch's default `F.gelu`), `'silu'`, `'tanh'` or `'sigmoid'` — the same
   * values as the separate op on the sum.
   */
  activation?: LinearActivation;
}

const LINEAR_OPTIONS = optionKeys<LinearOptions>({ activation: true });

/**
 * act(x·weightᵀ + bias), as `torch.nn.functional.linear` followed by an activation (tfjs's
 * `dense({ activation })`): x `[..., in]`, weight `[out, in]` (a Linear layer's layout), bias
 * `[out]` or none → `[..., out]` (a 1-d x gives `[out]`).
 *
 * The product is `matmul` with `transposeB` (the weight is never transposed into a copy); when
 * x, weight and bias share one float dtype, the bias and the activation are then one in-place
 * pass over it. Any other dtypes run `matmul`, `add` and the activation op, so the result and its
 * dtype are exactly theirs (`relu` keeps int32; the other activations give float32 for int32).
 *
 * @example
 * linear(x, w, b, { activation: 'relu' }); // x: [batch, in], w: [out, in], b: [out] → [batch, out]
 * @throws DTypeError when an operand is not a Tensor or is bool; ShapeError when weight is not
 *   2-d, x's last dim is not weight.shape[1], or bias is not `[out]`; ValueError for an unknown
 *   activation or option
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: LinearOptions): Tensor {
  const op = 'linear';
  requireTensor(op, 'x', x);
  requireTensor(op, 'weight', weight);
  const b = bias === undefined || bias === null ? null : requireTensor(op, 'bias', bias);
  const { activation: chosen } = checkOptions(op, options, LINEAR_OPTIONS);
  const activation = checkChoice(op, 'activation', chosen, LINEAR_ACTIVATIONS, 'none');
  checkShapes(x, weight, b);
  for (const [name, t] of [
    ['x', x],
    ['weight', weight],
    ['bias', b],
  ] as const) {
    if (t?.dtype === 'bool') {
      throw new DTypeError(
        `${op}: ${name} must be numeric — got a bool tensor (cast it: ${name}.to('float32'))`,
      );
    }
  }
  const out = weight.shape[0]!;
  const rows = leadingSize(x.shape);
  const x2 = x.rank === 2 ? x : x.reshape([rows, x.shape[x.rank - 1]!]);
  const shape = [...x.shape.slice(0, -1), out];
  if (
    activation === 'relu' &&
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    (b === null || b.dtype === 'float32')
  ) {
    // Product, bias and relu in one trip through the kernel module where it applies.
    const data = allocateChecked(op, 'float32', shape) as Float32Array;
    const fused = linearReluInto(
      x2.data as Float32Array,
      weight.data as Float32Array,
      (b?.data ?? null) as Float32Array | null,
      data,
      rows,
      x2.shape[1]!,
      out,
    );
    if (fused) return new Tensor(data, shape, 'float32');
  }
  const product = matmul(x2, weight, { transposeB: true });
  const dtype = product.dtype;
  if ((dtype === 'float32' || dtype === 'float64') && (b === null || b.dtype === dtype)) {
    biasActivation(
      product.data as Float32Array | Float64Array,
      (b?.data ?? null) as Float32Array | Float64Array | null,
      rows,
      out,
      activation,
    );
    return new Tensor(product.data, shape, dtype);
  }
  const sum = b === null ? product : add(product, b);
  return activate(sum, activation).reshape(shape);
}

/** The separate activation op (the path for int32 and mixed dtypes). */
function activate(t: Tensor, activation: LinearActivation): Tensor {
  switch (activation) {
    case 'none':
      return t;
    case 'relu':
      return relu(t);
    case 'gelu':
      return gelu(t);
    case 'silu':
      return silu(t);
    case 'tanh':
      return tanh(t);
    case 'sigmoid':
      return sigmoid(t);
  }
}

function checkShapes(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.rank !== 2) {
    throw new ShapeError(
      `linear: weight must be 2-d [out, in] — got weight.shape=${formatShape(weight.shape)} (a Linear layer's weight is [outFeatures, inFeatures])`,
    );
  }
  if (x.rank === 0 || x.shape[x.rank - 1] !== weight.shape[1]) {
    throw new ShapeError(
      `linear: x's last dim must equal weight.shape[1] (in) — x.shape=${formatShape(x.shape)}, weight.shape=${formatShape(weight.shape)} ` +
        `(x is [..., in] and weight [out, in]; a weight stored [in, out] needs transpose(weight, 0, 1))`,
    );
  }
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(
      `linear: bias must be 1-d [out] with out = weight.shape[0] — bias.shape=${formatShape(bias.shape)}, weight.shape=${formatShape(weight.shape)}`,
    );
  }
}

/** The number of rows: the product of every dim but the last. */
function leadingSize(shape: readonly number[]): number {
  let rows = 1;
  for (let i = 0; i + 1 < shape.length; i++) rows *= shape[i]!;
  return rows;
}
