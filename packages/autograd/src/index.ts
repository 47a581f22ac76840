/**
 * @mtl/autograd — reverse-mode automatic differentiation over @mtl/tensor. Ops on Variables
 * record a graph as they run (define-by-run, like PyTorch); `backward()` fills `.grad`, and
 * `grad()` returns gradients without touching it. Every differentiable op has the name and
 * signature of its @mtl/tensor namesake and is also a Variable method.
 */

export { Variable, Parameter, variable, type VariableOptions } from './Variable';
export type { VariableLike } from './apply';
export { grad, type GradOptions } from './grad';
export type { BackwardOptions } from './engine';
export { noGrad, isGradEnabled } from './gradMode';
export { checkGrad, type CheckGradOptions, type CheckGradResult } from './checkGrad';
export { AutogradError } from './AutogradError';
export type { Primitive, PrimitiveParams, Rule, RuleTable, SavedContext } from './primitives';
export { rules } from './rules/index';

export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  clamp,
  neg,
  abs,
  sign,
  square,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  erf,
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  where,
  maskedFill,
} from './ops/elementwise';
export { eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot } from './ops/comparison';
export {
  sum,
  mean,
  prod,
  max,
  min,
  amax,
  amin,
  argmax,
  argmin,
  variance,
  std,
  logsumexp,
  norm,
  softmax,
  logSoftmax,
} from './ops/reductions';
export { matmul, dot, outer, solve, inv, eigh, pinv } from './ops/linalg';
export {
  reshape,
  flatten,
  squeeze,
  unsqueeze,
  permute,
  transpose,
  expand,
  broadcastTo,
  concat,
  stack,
  slice,
  narrow,
  select,
  split,
  chunk,
  gather,
  indexSelect,
  cast,
} from './ops/shapes';
