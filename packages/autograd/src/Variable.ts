import {
  checkBoolean,
  checkOptions,
  copyToKernelStorage,
  type Dims,
  type DType,
  formatValue,
  type LinearOptions,
  type NestedArray,
  type NormOrder,
  optionKeys,
  type ReduceOptions,
  Tensor,
  type TensorData,
  tensor,
  ValueError,
  type VarianceOptions,
} from '@mtl/tensor';

import { AutogradError } from './AutogradError';

import type { VariableLike } from './apply';
import { type BackwardOptions, runBackward, seedFor } from './engine';

import type { Node } from './Node';
import { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, logicalXor, lt, ne } from './ops/comparison';

import {
  abs,
  add,
  clamp,
  cos,
  div,
  elu,
  erf,
  exp,
  expm1,
  gelu,
  leakyRelu,
  log,
  log1p,
  maskedFill,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  rsqrt,
  sigmoid,
  sign,
  silu,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise';

import { dot, eigh, inv, linear, linearRelu, matmul, outer, pinv, solve, stackedLinear } from './ops/linalg';

import {
  amax,
  amin,
  argmax,
  argmin,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  softmax,
  std,
  sum,
  variance,
} from './ops/reductions';

import {
  broadcastTo,
  cast,
  chunk,
  expand,
  flatten,
  gather,
  indexSelect,
  narrow,
  permute,
  reshape,
  select,
  slice,
  split,
  squeeze,
  transpose,
  unsqueeze,
} from './ops/shapes';

import { requireDType, requireTensor } from './validate';

export interface VariableOptions {
  /** Whether gradients flow to this variable (only leaves may set it). Default false. */
  requiresGrad?: boolean;
  /** A label for messages and debugging. */
  name?: string;
}

const VARIABLE_OPTIONS = optionKeys<VariableOptions>({ requiresGrad: true, name: true });
const VARIABLE_FN_OPTIONS = optionKeys<VariableOptions & { dtype?: DType }>({
  requiresGrad: true,
  name: true,
  dtype: true,
});
const PARAMETER_OPTIONS = optionKeys<{ name?: string }>({ name: true });
const BACKWARD_OPTIONS = optionKeys<BackwardOptions>({ retainGraph: true });

/**
 * A tensor in the autograd graph: its `value`, the gradient accumulated in `grad` by
 * `backward()`, and (unless it is a leaf) the op that produced it. Ops on Variables record the
 * graph as they run (define-by-run, like PyTorch); every differentiable op is also a method.
 *
 * Aliasing: a leaf made to be trained owns its value. `new Variable(t, { requiresGrad: true })`,
 * `new Parameter(t)` and `variable(t, { requiresGrad: true })` copy `t`, for every dtype (a float32
 * Parameter into kernel storage), so an optimizer step (which updates `value` in place) never
 * changes the tensor you passed in. A
 * Variable that does not require grad wraps `t` as it is, without a copy (a constant costs
 * nothing); turning `requiresGrad` on later through the setter does not copy either.
 */
export class Variable {
  /**
   * The current value. Optimizers update its data in place: a tensor taken from it keeps
   * following the variable. A float32 Parameter keeps its copy in kernel storage (@mtl/tensor's
   * WebAssembly memory, where the kernels update it without copying).
   */
  value: Tensor;
  /** The gradient accumulated by backward(); null until the first one (and after zeroGrad). */
  grad: Tensor | null = null;
  name: string | undefined;
  /** The op that produced this variable; null for leaves. */
  readonly node: Node | null;
  #requiresGrad: boolean;

  /**
   * A leaf holding `value`. With `requiresGrad: true` the value is a copy of `value` (see the
   * aliasing rule above); otherwise it is `value` itself.
   */
  constructor(value: Tensor, options: VariableOptions = {}) {
    const op = new.target === Variable ? 'Variable' : new.target.name || 'Variable';
    requireTensor(op, 'value', value);
    const { requiresGrad = false, name } = checkOptions(op, options, VARIABLE_OPTIONS);
    checkBoolean(op, 'requiresGrad', requiresGrad, false);
    requireName(op, name);
    // A Parameter's float32 values live in kernel storage, where the optimizers' kernels update
    // them without copies; other leaves (inputs that want a gradient, checkGrad's) are per-batch
    // values, left on the JS heap.
    this.value = requiresGrad
      ? this instanceof Parameter
        ? copyToKernelStorage(value)
        : value.clone()
      : value;
    this.name = name;
    this.node = null;
    this.#requiresGrad = requiresGrad;
  }

  /** A non-leaf variable produced by `node` (used by ops, not by users). */
  static fromNode(value: Tensor, node: Node): Variable {
    // Not through the constructor's requiresGrad: an op's output is never copied.
    const v = new Variable(value);
    v.#requiresGrad = true;
    (v as { node: Node | null }).node = node;
    return v;
  }

  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(flag: boolean) {
    checkBoolean('requiresGrad', 'the new value', flag, false);
    if (!this.isLeaf) {
      throw new AutogradError(
        'requiresGrad: only leaf variables can change it; use detach() to get a leaf from a computed variable',
      );
    }
    this.#requiresGrad = flag;
  }

  /** True for variables made by the user rather than by an op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }
  get dtype(): DType {
    return this.value.dtype;
  }
  get size(): number {
    return this.value.size;
  }
  get rank(): number {
    return this.value.rank;
  }

  /**
   * Backpropagates from this variable, adding the gradient of every leaf that requires grad to
   * its `.grad`. A scalar seeds with 1; anything else needs `grad`, the gradient of some scalar
   * with respect to this variable. The graph is freed afterwards unless `retainGraph`.
   */
  backward(grad?: Tensor, options: BackwardOptions = {}): void {
    if (grad !== undefined && grad !== null) requireTensor('backward', 'grad', grad);
    const { retainGraph } = checkOptions('backward', options, BACKWARD_OPTIONS);
    checkBoolean('backward', 'retainGraph', retainGraph, false);
    if (!this.requiresGrad) {
      throw new AutogradError(
        'backward: this variable does not require grad — no input of the computation had requiresGrad: true',
      );
    }
    const seed = seedFor('backward', this, grad ?? undefined);
    const grads = runBackward([this], [seed], (v) => v.isLeaf && v.requiresGrad, options);
    for (const [leaf, g] of grads) leaf.grad = leaf.grad === null ? g : leaf.grad.add(g);
  }

  /** The same value, cut from the graph: a new leaf that does not require grad. */
  detach(): Variable {
    return new Variable(this.value, { name: this.name });
  }

  /** Forgets the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  item(): number {
    return this.value.item();
  }
  toArray(): NestedArray {
    return this.value.toArray();
  }
  toString(): string {
    const flag = this.requiresGrad
      ? this.isLeaf
        ? ', requiresGrad=true'
        : `, gradFn=${this.node!.primitive}`
      : '';
    return `Variable(${this.value.toString()}${flag})`;
  }
  to(dtype: DType): Variable {
    return cast(this, dtype);
  }

  // Elementwise.
  add(other: VariableLike): Variable {
    return add(this, other);
  }
  sub(other: VariableLike): Variable {
    return sub(this, other);
  }
  mul(other: VariableLike): Variable {
    return mul(this, other);
  }
  div(other: VariableLike): Variable {
    return div(this, other);
  }
  pow(exponent: VariableLike): Variable {
    return pow(this, exponent);
  }
  maximum(other: VariableLike): Variable {
    return maximum(this, other);
  }
  minimum(other: VariableLike): Variable {
    return minimum(this, other);
  }
  clamp(min?: VariableLike | null, max?: VariableLike | null): Variable {
    return clamp(this, min, max);
  }
  neg(): Variable {
    return neg(this);
  }
  abs(): Variable {
    return abs(this);
  }
  sign(): Variable {
    return sign(this);
  }
  square(): Variable {
    return square(this);
  }
  exp(): Variable {
    return exp(this);
  }
  expm1(): Variable {
    return expm1(this);
  }
  log(): Variable {
    return log(this);
  }
  log1p(): Variable {
    return log1p(this);
  }
  sqrt(): Variable {
    return sqrt(this);
  }
  rsqrt(): Variable {
    return rsqrt(this);
  }
  reciprocal(): Variable {
    return reciprocal(this);
  }
  sin(): Variable {
    return sin(this);
  }
  cos(): Variable {
    return cos(this);
  }
  tanh(): Variable {
    return tanh(this);
  }
  sigmoid(): Variable {
    return sigmoid(this);
  }
  erf(): Variable {
    return erf(this);
  }
  relu(): Variable {
    return relu(this);
  }
  leakyRelu(negativeSlope?: number): Variable {
    return leakyRelu(this, negativeSlope);
  }
  elu(alpha?: number): Variable {
    return elu(this, alpha);
  }
  gelu(options?: { approximate?: 'none' | 'tanh' }): Variable {
    return gelu(this, options);
  }
  silu(): Variable {
    return silu(this);
  }
  softplus(options?: { beta?: number; threshold?: number }): Variable {
    return softplus(this, options);
  }
  /** `where(cond, this, other)`, as PyTorch's `x.where(cond, y)`. */
  where(cond: VariableLike, other: VariableLike): Variable {
    return where(cond, this, other);
  }
  maskedFill(mask: VariableLike, value: number): Variable {
    return maskedFill(this, mask, value);
  }

  // Comparisons (plain bool Tensors).
  eq(other: VariableLike): Tensor {
    return eq(this, other);
  }
  ne(other: VariableLike): Tensor {
    return ne(this, other);
  }
  lt(other: VariableLike): Tensor {
    return lt(this, other);
  }
  le(other: VariableLike): Tensor {
    return le(this, other);
  }
  gt(other: VariableLike): Tensor {
    return gt(this, other);
  }
  ge(other: VariableLike): Tensor {
    return ge(this, other);
  }
  logicalAnd(other: VariableLike): Tensor {
    return logicalAnd(this, other);
  }
  logicalOr(other: VariableLike): Tensor {
    return logicalOr(this, other);
  }
  logicalXor(other: VariableLike): Tensor {
    return logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return logicalNot(this);
  }

  // Reductions.
  sum(dim?: Dims, options?: ReduceOptions): Variable {
    return sum(this, dim, options);
  }
  mean(dim?: Dims, options?: ReduceOptions): Variable {
    return mean(this, dim, options);
  }
  prod(dim?: Dims, options?: ReduceOptions): Variable {
    return prod(this, dim, options);
  }
  max(dim?: Dims, options?: ReduceOptions): Variable {
    return max(this, dim, options);
  }
  min(dim?: Dims, options?: ReduceOptions): Variable {
    return min(this, dim, options);
  }
  amax(dim?: Dims, options?: ReduceOptions): Variable {
    return amax(this, dim, options);
  }
  amin(dim?: Dims, options?: ReduceOptions): Variable {
    return amin(this, dim, options);
  }
  argmax(dim?: number | null, options?: ReduceOptions): Tensor {
    return argmax(this, dim, options);
  }
  argmin(dim?: number | null, options?: ReduceOptions): Tensor {
    return argmin(this, dim, options);
  }
  variance(dim?: Dims, options?: VarianceOptions): Variable {
    return variance(this, dim, options);
  }
  std(dim?: Dims, options?: VarianceOptions): Variable {
    return std(this, dim, options);
  }
  logsumexp(dim?: Dims, options?: ReduceOptions): Variable {
    return logsumexp(this, dim, options);
  }
  norm(p?: NormOrder, dim?: Dims, options?: ReduceOptions): Variable {
    return norm(this, p, dim, options);
  }
  softmax(dim: number): Variable {
    return softmax(this, dim);
  }
  logSoftmax(dim: number): Variable {
    return logSoftmax(this, dim);
  }

  // Linear algebra.
  matmul(other: VariableLike): Variable {
    return matmul(this, other);
  }
  /**
   * act(this·weightᵀ + bias), as `torch.nn.functional.linear(this, weight, bias)` followed by
   * `{ activation }` (default `'none'`), as one op: see {@link linear}.
   */
  linear(weight: VariableLike, bias?: VariableLike | null, options?: LinearOptions): Variable {
    return linear(this, weight, bias, options);
  }

  /** relu(this·weightᵀ + bias): the shorthand for `this.linear(weight, bias, { activation: 'relu' })`. */
  linearRelu(weight: VariableLike, bias?: VariableLike | null): Variable {
    return linearRelu(this, weight, bias);
  }
  /** this·[W₁; …; W_T]ᵀ + [b₁; …; b_T] as one product: see {@link stackedLinear}. */
  stackedLinear(weights: readonly VariableLike[], biases?: readonly VariableLike[] | null): Variable {
    return stackedLinear(this, weights, biases);
  }
  dot(other: VariableLike): Variable {
    return dot(this, other);
  }
  outer(other: VariableLike): Variable {
    return outer(this, other);
  }
  solve(b: VariableLike): Variable {
    return solve(this, b);
  }
  inv(): Variable {
    return inv(this);
  }
  eigh(): { eigenvalues: Variable; eigenvectors: Variable } {
    return eigh(this);
  }
  pinv(options?: { rtol?: number; atol?: number }): Variable {
    return pinv(this, options);
  }
  transpose(dim0: number, dim1: number): Variable {
    return transpose(this, dim0, dim1);
  }
  permute(dims: readonly number[]): Variable {
    return permute(this, dims);
  }

  // Shapes and indexing.
  reshape(shape: readonly number[]): Variable {
    return reshape(this, shape);
  }
  flatten(startDim?: number, endDim?: number): Variable {
    return flatten(this, startDim, endDim);
  }
  squeeze(dim?: number | readonly number[]): Variable {
    return squeeze(this, dim);
  }
  unsqueeze(dim: number): Variable {
    return unsqueeze(this, dim);
  }
  expand(shape: readonly number[]): Variable {
    return expand(this, shape);
  }
  broadcastTo(shape: readonly number[]): Variable {
    return broadcastTo(this, shape);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Variable {
    return slice(this, dim, start, end, step);
  }
  narrow(dim: number, start: number, length: number): Variable {
    return narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Variable {
    return select(this, dim, index);
  }
  split(splitSizeOrSections: number | readonly number[], dim?: number): Variable[] {
    return split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim?: number): Variable[] {
    return chunk(this, chunks, dim);
  }
  gather(dim: number, index: Tensor): Variable {
    return gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Variable {
    return indexSelect(this, dim, index);
  }
}

/**
 * A Variable from values or a Tensor, like `torch.tensor(..., requires_grad=...)`:
 * `variable([[1, 2]], { requiresGrad: true })`. With `requiresGrad: true` a Tensor is copied (a
 * trainable leaf owns its value, so an optimizer step never changes the tensor passed in);
 * otherwise it is used as it is (converted when `dtype` differs).
 */
export function variable(
  values: TensorData | Tensor,
  options: VariableOptions & { dtype?: DType } = {},
): Variable {
  const { requiresGrad = false, name, dtype } = checkOptions('variable', options, VARIABLE_FN_OPTIONS);
  checkBoolean('variable', 'requiresGrad', requiresGrad, false);
  requireName('variable', name);
  requireDType('variable', 'dtype', dtype, true);
  if (
    !(values instanceof Tensor) &&
    typeof values !== 'number' &&
    typeof values !== 'boolean' &&
    !Array.isArray(values) &&
    !ArrayBuffer.isView(values)
  ) {
    throw new ValueError(
      `variable: values must be a Tensor, a number or a (nested) array of numbers, got ${formatValue(values)}` +
        (values instanceof Variable ? ' (use values.detach() for a new leaf with the same value)' : ''),
    );
  }
  const value = values instanceof Tensor ? (dtype ? values.to(dtype) : values) : tensor(values, { dtype });
  return new Variable(value, { requiresGrad, name });
}

/**
 * A learnable parameter: a leaf Variable that requires grad. It owns its value: `new
 * Parameter(t)` copies `t` (whatever its dtype), so training updates the parameter and never
 * the tensor it was made from; read the trained values from `parameter.value`.
 */
export class Parameter extends Variable {
  constructor(value: Tensor, options: { name?: string } = {}) {
    const { name } = checkOptions('Parameter', options, PARAMETER_OPTIONS);
    super(value, { requiresGrad: true, name });
  }
}

function requireName(op: string, name: unknown): void {
  if (name === undefined || typeof name === 'string') return;
  throw new ValueError(`${op}: name must be a string, got ${formatValue(name)}`);
}
