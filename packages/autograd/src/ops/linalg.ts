import {
  checkChoice,
  checkOptions,
  dot as dotOp,
  formatShape,
  formatValue,
  LINEAR_ACTIVATIONS,
  type LinearOptions,
  optionKeys,
  outer as outerOp,
  ShapeError,
  Tensor,
  ValueError,
} from '@mtl/tensor';
import { apply, unwrap, type VariableLike } from '../apply';
import type { Variable } from '../Variable';
import { requireNumber, requireTensorLike } from '../validate';
import { reshape } from './shapes';

const LINEAR_OPTIONS = optionKeys<LinearOptions>({ activation: true });
const PINV_OPTIONS = optionKeys<{ rtol?: number; atol?: number }>({ rtol: true, atol: true });

/*
 * Differentiable linear algebra. matmul, solve and inv are primitives; dot and outer are
 * matmul on reshaped operands; eigh is two primitives (eigenvalues, eigenvectors), and pinv one.
 */

export function matmul(a: VariableLike, b: VariableLike): Variable {
  requireTensorLike('matmul', 'a', a);
  requireTensorLike('matmul', 'b', b);
  return apply('matmul', [a, b], undefined);
}

/**
 * act(x·Wᵀ + b), as `torch.nn.functional.linear` followed by an activation (tfjs's
 * `dense({ activation })`): x [..., in], weight [out, in], bias [out] (or none), and
 * `{ activation }` one of `'none'` (the default), `'relu'`, `'gelu'` (exact, erf-based, as
 * `gelu(x)`), `'silu'`, `'tanh'`, `'sigmoid'` — the values of @mtl/tensor's `linear`.
 *
 * One primitive: the weight is never transposed into a copy, the bias and the activation are one
 * in-place pass over the product, and the backward applies the activation's derivative in one
 * pass over the incoming gradient (no separate activation node, mask or tensor; for relu the
 * bias gradient is summed in the same pass). What `Linear` layers run, with their `activation`.
 *
 * @example
 * linear(x, w, b, { activation: 'relu' }); // x: [batch, in], w: [out, in], b: [out] → [batch, out]
 */
export function linear(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
  options?: LinearOptions,
): Variable {
  return fusedLinear('linear', x, weight, bias, options);
}

/**
 * relu(x·Wᵀ + b): the shorthand for `linear(x, weight, bias, { activation: 'relu' })`, the same
 * op with the same values and gradients.
 */
export function linearRelu(x: VariableLike, weight: VariableLike, bias?: VariableLike | null): Variable {
  return fusedLinear('linearRelu', x, weight, bias, { activation: 'relu' });
}

function fusedLinear(
  op: string,
  x: VariableLike,
  weight: VariableLike,
  bias: VariableLike | null | undefined,
  options: LinearOptions | undefined,
): Variable {
  const inputs = linearInputs(op, x, weight, bias);
  const { activation } = checkOptions(op, options, LINEAR_OPTIONS);
  return apply('linear', inputs, {
    activation: checkChoice(op, 'activation', activation, LINEAR_ACTIVATIONS, 'none'),
  });
}

/**
 * x·[W₁; …; W_T]ᵀ + [b₁; …; b_T] → [..., out₁ + … + out_T]: several linear layers that read the
 * same input (task heads, say) as one product, so the input is read once forward and its
 * gradient made by one product backward, instead of one per layer and their sum. Equal to
 * `concat(weights.map((w, i) => linear(x, w, biases?.[i])), -1)`.
 *
 * Weights that lie next to each other in one buffer (each starting where the one before ends,
 * as HardSharing.mlp's heads do) are read there as one matrix; others are copied together for
 * the call. Either way the product uses the values the weights hold now.
 *
 * @param biases one per weight, or none (null or undefined) for no bias at all
 */
export function stackedLinear(
  x: VariableLike,
  weights: readonly VariableLike[],
  biases?: readonly VariableLike[] | null,
): Variable {
  const op = 'stackedLinear';
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new ValueError(
      `${op}: weights must be a non-empty array of [out, in] weights — got ${formatValue(weights)}`,
    );
  }
  if (
    biases !== undefined &&
    biases !== null &&
    (!Array.isArray(biases) || biases.length !== weights.length)
  ) {
    throw new ValueError(
      `${op}: biases must be an array of one bias per weight (${weights.length}), or null — got ${formatValue(biases)}`,
    );
  }
  const withBias = biases !== undefined && biases !== null;
  weights.forEach((w, i) => {
    if (withBias) requireTensorLike(op, `biases[${i}]`, biases[i]);
    linearInputs(op, x, w, withBias ? biases[i] : null, `weights[${i}]`, `biases[${i}]`);
  });
  return apply(op, [x, ...weights, ...(withBias ? biases : [])], { count: weights.length });
}

/**
 * linear's operands, checked: [x, weight] or [x, weight, bias]; `w` and `b` are the names the
 * messages give the weight and the bias.
 */
function linearInputs(
  op: string,
  x: VariableLike,
  weight: VariableLike,
  bias: VariableLike | null | undefined,
  w = 'weight',
  b = 'bias',
): VariableLike[] {
  const xt = requireTensorLike(op, 'x', x);
  const wt = requireTensorLike(op, w, weight);
  if (bias !== undefined && bias !== null) requireTensorLike(op, b, bias);
  if (wt.rank !== 2) {
    throw new ShapeError(`${op}: ${w} must be 2-d [out, in], got ${w}.shape=${shapeOf(wt)}`);
  }
  if (xt.rank === 0 || xt.shape[xt.rank - 1] !== wt.shape[1]) {
    throw new ShapeError(
      `${op}: x's last dim must equal ${w}.shape[1] — x.shape=${shapeOf(xt)}, ${w}.shape=${formatShape(wt.shape)}`,
    );
  }
  if (bias === undefined || bias === null) return [x, weight];
  const bt = unwrap(bias) as Tensor;
  if (!(bt instanceof Tensor) || bt.rank !== 1 || bt.shape[0] !== wt.shape[0]) {
    throw new ShapeError(
      `${op}: ${b} must be 1-d [out] — ${b}.shape=${shapeOf(bt)}, ${w}.shape=${formatShape(wt.shape)}`,
    );
  }
  return [x, weight, bias];
}

function shapeOf(t: unknown): string {
  return t instanceof Tensor ? formatShape(t.shape) : typeof t;
}

export function dot(a: VariableLike, b: VariableLike): Variable {
  dotOp(requireTensorLike('dot', 'a', a), requireTensorLike('dot', 'b', b)); // validates shapes with dot's messages
  return matmul(a, b);
}

export function outer(a: VariableLike, b: VariableLike): Variable {
  const at = requireTensorLike('outer', 'a', a);
  const bt = requireTensorLike('outer', 'b', b);
  outerOp(at, bt);
  return matmul(reshape(a, [at.size, 1]), reshape(b, [1, bt.size]));
}

export function solve(a: VariableLike, b: VariableLike): Variable {
  requireTensorLike('solve', 'a', a);
  requireTensorLike('solve', 'b', b);
  return apply('solve', [a, b], undefined);
}

export function inv(a: VariableLike): Variable {
  requireTensorLike('inv', 'a', a);
  return apply('inv', [a], undefined);
}

/**
 * Eigen-decomposition of a symmetric matrix, as @mtl/tensor's eigh, both parts differentiable
 * (PyTorch's formulas; the eigenvector gradient is undefined at repeated eigenvalues).
 */
export function eigh(a: VariableLike): { eigenvalues: Variable; eigenvectors: Variable } {
  requireTensorLike('eigh', 'a', a);
  return { eigenvalues: apply('eigvalsh', [a], undefined), eigenvectors: apply('eigvecsh', [a], undefined) };
}

/** Moore–Penrose pseudo-inverse, differentiable where the rank does not change. */
export function pinv(a: VariableLike, options: { rtol?: number; atol?: number } = {}): Variable {
  requireTensorLike('pinv', 'a', a);
  const { rtol, atol } = checkOptions('pinv', options, PINV_OPTIONS);
  requireNumber('pinv', 'rtol', rtol);
  requireNumber('pinv', 'atol', atol);
  return apply('pinv', [a], { rtol, atol });
}
