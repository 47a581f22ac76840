import type {
  AvgPoolOptions,
  ConvOptions,
  DType,
  InterpolateOptions,
  LinearActivation,
  MaxPoolOptions,
  NormOrder,
  Tensor,
  TensorLike,
} from '@mtl/tensor';

/**
 * The primitive set: every differentiable op is one of these or is composed from them. Each key
 * names a primitive and gives the type of its non-tensor parameters; `rules/index.ts` must hold
 * exactly one rule per key, so a primitive without a gradient does not compile.
 */
export interface PrimitiveParams {
  // Elementwise, binary (broadcasting).
  add: undefined;
  sub: undefined;
  mul: undefined;
  div: undefined;
  pow: undefined;
  maximum: undefined;
  minimum: undefined;
  /** cond is a constant (no gradient); the differentiable inputs are a and b. */
  where: { cond: Tensor };
  // Elementwise, unary.
  neg: undefined;
  exp: undefined;
  expm1: undefined;
  log: undefined;
  log1p: undefined;
  sqrt: undefined;
  abs: undefined;
  sign: undefined;
  sin: undefined;
  cos: undefined;
  tanh: undefined;
  sigmoid: undefined;
  erf: undefined;
  relu: undefined;
  leakyRelu: { negativeSlope: number };
  elu: { alpha: number };
  gelu: { approximate: 'none' | 'tanh' };
  silu: undefined;
  softplus: { beta: number; threshold: number };
  clamp: { min: number | null; max: number | null };
  cast: { dtype: DType };
  // Reductions.
  sum: { dim: number | number[] | undefined; keepDim: boolean };
  prod: { dim: number | number[] | undefined; keepDim: boolean };
  /** amax/amin and full max/min: the gradient is shared evenly among tied extremes. */
  amax: { dim: number | number[] | undefined; keepDim: boolean };
  amin: { dim: number | number[] | undefined; keepDim: boolean };
  /** max/min along one dim: the gradient goes to the first extreme, like `torch.max(x, dim)`. */
  maxDim: { dim: number; keepDim: boolean; largest: boolean };
  /** Standard deviation; a primitive so its gradient can be 0 where the deviation is 0, as in PyTorch. */
  std: { dim: number | number[] | undefined; unbiased: boolean; keepDim: boolean };
  norm: { p: NormOrder; dim: number | number[] | undefined; keepDim: boolean };
  /** mean((a − b)²) or its sum over every element: the MSE loss as one op (a and b of one shape). */
  squaredError: { reduction: 'mean' | 'sum' };
  // Linear algebra.
  matmul: undefined;
  /**
   * act(x·Wᵀ + b): `torch.nn.functional.linear` and an activation as one primitive, inputs
   * [x, weight] or [x, weight, bias]. See {@link LinearParams}.
   */
  linear: LinearParams;
  /**
   * x·[W₁; …; W_T]ᵀ + [b₁; …; b_T], several linear layers on one input as one product: inputs
   * [x, W₁…W_T] or [x, W₁…W_T, b₁…b_T]; `count` is T.
   */
  stackedLinear: { count: number };
  solve: undefined;
  inv: undefined;
  /** The eigenvalues of a symmetric matrix (eigh's first output). */
  eigvalsh: undefined;
  /** The eigenvectors of a symmetric matrix (eigh's second output). */
  eigvecsh: undefined;
  pinv: { rtol: number | undefined; atol: number | undefined };
  // Convolution, pooling and resampling (1-d or 2-d; options as @mtl/tensor's functions).
  /** Inputs [x, weight] or [x, weight, bias]. */
  conv: { dims: 1 | 2; options: ConvOptions | undefined };
  /** `indices` is set by the forward: where each window's maximum was. */
  maxPool: { dims: 1 | 2; options: MaxPoolOptions; indices?: Tensor };
  avgPool: { dims: 1 | 2; options: AvgPoolOptions };
  adaptiveAvgPool: { dims: 1 | 2; outputSize: number | [number] | [number | null, number | null] };
  interpolate: { options: InterpolateOptions };
  // Shapes and indexing.
  reshape: { shape: number[] };
  permute: { dims: number[] };
  expand: { shape: number[] };
  concat: { dim: number };
  slice: { dim: number; start: number; end: number | undefined; step: number };
  gather: { dim: number; index: Tensor };
  indexSelect: { dim: number; index: Tensor };
}

/** The parameters of the `linear` primitive. */
export interface LinearParams {
  activation: LinearActivation;
  /**
   * x·Wᵀ + b, kept by the forward for `'gelu'` and `'silu'`: their derivatives need it and the
   * output cannot give it back (the other activations' derivatives read the output). It lives in
   * the params because the Node keeps them with the graph and drops them when the graph is
   * freed; `ops/linalg.ts` makes a fresh params object for every call.
   */
  preActivation?: Tensor;
}

export type Primitive = keyof PrimitiveParams;

/** What a rule's backward sees: the op's inputs and output as they were in the forward pass. */
export interface SavedContext<P extends Primitive> {
  inputs: readonly TensorLike[];
  output: Tensor;
  params: PrimitiveParams[P];
  /** needsGrad[i]: whether input i wants a gradient (skip computing the others). */
  needsGrad: readonly boolean[];
}

/**
 * A primitive's forward computation and its vector-Jacobian product. `backward` gets the
 * gradient of the output and returns one gradient per input (null where none is needed);
 * gradients of broadcast inputs may keep the broadcast shape — the engine sums them back.
 */
export interface Rule<P extends Primitive> {
  forward(inputs: readonly TensorLike[], params: PrimitiveParams[P]): Tensor;
  backward(grad: Tensor, saved: SavedContext<P>): (Tensor | null)[];
}

export type RuleTable = { [P in Primitive]: Rule<P> };
