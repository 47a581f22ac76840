/**
 * @mtl/tensor — n-d arrays for TypeScript: dtypes with PyTorch's promotion, broadcasting,
 * reductions, matmul, small dense linear algebra and seeded random numbers. Every op is a
 * function (`add(a, b)`) and a method (`a.add(b)`).
 */

export { Tensor, type NestedArray } from './Tensor';
export { type DType, type TypedArray, promoteTypes } from './dtype';
export { MtlError, ShapeError, DTypeError, IndexError, ValueError, LinAlgError, formatShape } from './errors';
export { broadcastShapes } from './shape';
export { formatTensor } from './format';
export { allClose, type AllCloseOptions } from './allClose';

// Creation.
export { tensor, type TensorData, type TensorOptions } from './creation/tensor';
export { full, zeros, ones, fullLike, zerosLike, onesLike, type DTypeOptions } from './creation/fill';
export { arange, linspace, eye } from './creation/ranges';
export { rand, randn, randint, randperm, type RandomOptions } from './creation/random';
export { Generator } from './random/Generator';
export { manualSeed, getDefaultGenerator } from './random/defaultGenerator';

// Elementwise.
export type { TensorLike } from './ops/binary';
export { add } from './ops/add';
export { sub } from './ops/sub';
export { mul } from './ops/mul';
export { div } from './ops/div';
export { pow } from './ops/pow';
export { maximum } from './ops/maximum';
export { minimum } from './ops/minimum';
export { clamp } from './ops/clamp';
export {
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
} from './ops/math';
export { relu, leakyRelu, elu, gelu, silu, softplus } from './ops/activations';
export { eq, ne, lt, le, gt, ge } from './ops/comparison';
export { logicalAnd, logicalOr, logicalXor, logicalNot } from './ops/logical';
export { where } from './ops/where';
export { maskedFill } from './ops/maskedFill';

// Reductions.
export type { Dims, ReduceOptions } from './ops/reduction';
export { sum } from './ops/sum';
export { mean } from './ops/mean';
export { prod } from './ops/prod';
export { max, min, amax, amin, argmax, argmin } from './ops/extrema';
export { variance, std, type VarianceOptions } from './ops/variance';
export { logsumexp } from './ops/logsumexp';
export { norm, type NormOrder } from './ops/norm';
export { softmax, logSoftmax } from './ops/softmax';

// Linear algebra.
export { matmul, dot, outer } from './ops/matmul';
export { transpose, permute } from './ops/permute';
export { solve, inv, eigh, pinv } from './ops/linalg';

// Shapes and indexing.
export { reshape, flatten } from './ops/reshape';
export { squeeze, unsqueeze } from './ops/squeeze';
export { expand, broadcastTo } from './ops/expand';
export { concat, stack } from './ops/concat';
export { split, chunk } from './ops/split';
export { slice, narrow, select } from './ops/slice';
export { gather, indexSelect, oneHot } from './ops/gather';
