/**
 * @mtl/tensor — n-d arrays for TypeScript: dtypes with PyTorch's promotion, broadcasting,
 * reductions, matmul, small dense linear algebra and seeded random numbers. Every op is a
 * function (`add(a, b)`) and a method (`a.add(b)`).
 */

export { type AllCloseOptions, allClose } from './allClose';
export {
  type Backend,
  backend,
  KERNEL_NAMES,
  type KernelName,
  type SetBackendOptions,
  setBackend,
} from './backend/backend';
export { type BackendInfo, backendInfo } from './backend/backendInfo';
export type { KernelVariant } from './backend/kernelModule';
export {
  copyToKernelStorage,
  isInKernelStorage,
  kernelStorageAvailable,
  kernelStorageView,
  kernelStorageZeros,
} from './backend/storage';
export { type BufferScope, bufferPoolBytes, clearBufferPool, openBufferScope } from './bufferPool';
export {
  checkBoolean,
  checkChoice,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkOptions,
  checkOptionsObject,
  type ErrorClass,
  formatCount,
  type IntegerRange,
  isPlainObject,
  isTensorLike,
  mustBe,
  type NumberRange,
  type OptionKeys,
  optionKeys,
} from './checks';
export { type DTypeOptions, full, fullLike, ones, onesLike, zeros, zerosLike } from './creation/fill';
export { type RandomOptions, rand, randint, randn, randperm } from './creation/random';
export { arange, eye, linspace } from './creation/ranges';
export { type TensorData, type TensorOptions, tensor } from './creation/tensor';
export { type DType, promoteTypes, type TypedArray } from './dtype';
export {
  DTypeError,
  formatShape,
  formatValue,
  IndexError,
  LinAlgError,
  MtlError,
  ShapeError,
  ValueError,
} from './errors';
export { formatTensor } from './format';
export { biasRelu, maskRows } from './kernels/linearPasses';
export type { FloatData } from './kernels/linearPassesLoops';
export { type MatmulThreads, matmulThreads, setMatmulThreads } from './kernels/matmulThreads';
export {
  adagradUpdateKernel,
  adamUpdateKernel,
  rmspropUpdateKernel,
  sgdMomentumUpdateKernel,
} from './kernels/optimizerUpdates';
export { elu, gelu, leakyRelu, relu, silu, softplus } from './ops/activations';
export { add } from './ops/add';
export type { TensorLike } from './ops/binary';
export { clamp } from './ops/clamp';
export { eq, ge, gt, le, lt, ne } from './ops/comparison';
export { concat, stack } from './ops/concat';
export {
  type ConvGrads,
  type ConvOptions,
  conv1d,
  conv1dBackward,
  conv2d,
  conv2dBackward,
} from './ops/conv';
export { div } from './ops/div';
export { broadcastTo, expand } from './ops/expand';
export { amax, amin, argmax, argmin, max, min } from './ops/extrema';
export { gather, indexSelect, oneHot } from './ops/gather';
export {
  type InterpolateMode,
  type InterpolateOptions,
  interpolate,
  interpolateBackward,
} from './ops/interpolate';
export { eigh, inv, pinv, solve } from './ops/linalg';
export {
  LINEAR_ACTIVATIONS,
  type LinearActivation,
  type LinearOptions,
  linear,
} from './ops/linear';
export { logicalAnd, logicalNot, logicalOr, logicalXor } from './ops/logical';
export { logsumexp } from './ops/logsumexp';
export { maskedFill } from './ops/maskedFill';
export {
  abs,
  cos,
  erf,
  exp,
  expm1,
  log,
  log1p,
  neg,
  reciprocal,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './ops/math';
export { dot, type MatmulOptions, matmul, outer } from './ops/matmul';
export { maximum } from './ops/maximum';
export { mean } from './ops/mean';
export { minimum } from './ops/minimum';
export { mul } from './ops/mul';
export { type NormOrder, norm } from './ops/norm';
export { permute, transpose } from './ops/permute';
export {
  type AvgPoolOptions,
  adaptiveAvgPool1d,
  adaptiveAvgPool1dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool1d,
  avgPool1dBackward,
  avgPool2d,
  avgPool2dBackward,
  type MaxPoolOptions,
  maxPool1d,
  maxPool1dBackward,
  maxPool2d,
  maxPool2dBackward,
} from './ops/pool';
export { pow } from './ops/pow';
export { prod } from './ops/prod';
export type { Dims, ReduceOptions } from './ops/reduction';
export { flatten, reshape } from './ops/reshape';
export { rowCombination, rowGramian } from './ops/rowProducts';
export { indexAdd, scatterAdd, sliceScatter } from './ops/scatter';
export { narrow, select, slice } from './ops/slice';
export { logSoftmax, softmax } from './ops/softmax';
export { chunk, split } from './ops/split';
export { type SquaredErrorOptions, squaredError } from './ops/squaredError';
export { squeeze, unsqueeze } from './ops/squeeze';
export { sub } from './ops/sub';
export { sum } from './ops/sum';
export { std, type VarianceOptions, variance } from './ops/variance';
export { where } from './ops/where';
export { getDefaultGenerator, manualSeed } from './random/defaultGenerator';
export { Generator } from './random/Generator';
export { broadcastShapes, normalizeDim, normalizeDims, sameShape, sizeOf } from './shape';
export { type NestedArray, Tensor } from './Tensor';
