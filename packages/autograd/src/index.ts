/**
 * @mtl/autograd — reverse-mode automatic differentiation over @mtl/tensor. Ops on Variables
 * record a graph as they run (define-by-run, like PyTorch); `backward()` fills `.grad`, and
 * `grad()` returns gradients without touching it. Every differentiable op has the name and
 * signature of its @mtl/tensor namesake and is also a Variable method.
 */

export { AutogradError } from './AutogradError';
export type { VariableLike } from './apply';
export { type CheckGradOptions, type CheckGradResult, checkGrad } from './checkGrad';
export type { BackwardOptions } from './engine';
export { type GradOptions, grad } from './grad';
export { isGradEnabled, noGrad } from './gradMode';
export type { Node } from './Node';
export { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, logicalXor, lt, ne } from './ops/comparison';
export {
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
export {
  dot,
  eigh,
  inv,
  linear,
  linearRelu,
  matmul,
  outer,
  pinv,
  solve,
  stackedLinear,
} from './ops/linalg';
export {
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
  squaredError,
  std,
  sum,
  variance,
} from './ops/reductions';
export {
  broadcastTo,
  cast,
  chunk,
  concat,
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
  stack,
  transpose,
  unsqueeze,
} from './ops/shapes';
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  conv1d,
  conv2d,
  interpolate,
  maxPool1d,
  maxPool2d,
} from './ops/spatial';
export type { LinearParams, Primitive, PrimitiveParams, Rule, RuleTable, SavedContext } from './primitives';
export { rules } from './rules/index';
export { Parameter, Variable, type VariableOptions, variable } from './Variable';
