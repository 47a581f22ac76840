import {
  checkOptions,
  dot as dotOp,
  formatShape,
  optionKeys,
  outer as outerOp,
  ShapeError,
  Tensor,
} from '@mtl/tensor';
import { apply, unwrap, type VariableLike } from '../apply';
import type { Variable } from '../Variable';
import { requireNumber, requireTensorLike } from '../validate';
import { reshape } from './shapes';

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
 * y = x·Wᵀ + b, as `torch.nn.functional.linear`: x [..., in], weight [out, in], bias [out] (or
 * none). One primitive, so the weight is never transposed into a copy and the bias is added in
 * place; what `Linear` layers run.
 */
export function linear(x: VariableLike, weight: VariableLike, bias?: VariableLike | null): Variable {
  return apply('linear', linearInputs('linear', x, weight, bias), undefined);
}

/**
 * relu(x·Wᵀ + b): `linear` followed by `relu` as one primitive — the bias and the relu in one
 * pass over the product, and no separate relu node, tensor or mask. What a `Sequential` runs
 * for a `Linear` directly followed by a `ReLU`. Same arguments and checks as `linear`.
 */
export function linearRelu(x: VariableLike, weight: VariableLike, bias?: VariableLike | null): Variable {
  return apply('linearRelu', linearInputs('linearRelu', x, weight, bias), undefined);
}

/** linear's operands, checked: [x, weight] or [x, weight, bias]. */
function linearInputs(
  op: string,
  x: VariableLike,
  weight: VariableLike,
  bias: VariableLike | null | undefined,
): VariableLike[] {
  const xt = requireTensorLike(op, 'x', x);
  const wt = requireTensorLike(op, 'weight', weight);
  if (bias !== undefined && bias !== null) requireTensorLike(op, 'bias', bias);
  if (wt.rank !== 2) {
    throw new ShapeError(`${op}: weight must be 2-d [out, in], got weight.shape=${shapeOf(wt)}`);
  }
  if (xt.rank === 0 || xt.shape[xt.rank - 1] !== wt.shape[1]) {
    throw new ShapeError(
      `${op}: x's last dim must equal weight.shape[1] — x.shape=${shapeOf(xt)}, weight.shape=${formatShape(wt.shape)}`,
    );
  }
  if (bias === undefined || bias === null) return [x, weight];
  const bt = unwrap(bias) as Tensor;
  if (!(bt instanceof Tensor) || bt.rank !== 1 || bt.shape[0] !== wt.shape[0]) {
    throw new ShapeError(
      `${op}: bias must be 1-d [out] — bias.shape=${shapeOf(bt)}, weight.shape=${formatShape(wt.shape)}`,
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
