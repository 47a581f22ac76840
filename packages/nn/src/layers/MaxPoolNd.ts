import type { Variable, VariableLike } from '@mtl/autograd';
import { checkBoolean, checkOptions, optionKeys, type Tensor, ValueError } from '@mtl/tensor';
import { Module } from '../Module';
import { formatTuple, requireSpatialInput, tupleArg } from './spatialArgs';

/** The options of `MaxPool1d` and `MaxPool2d` (sizes: a number, or one per spatial dim). */
export interface MaxPoolOptions<Size, R extends boolean = boolean> {
  /** The step between windows. Default kernelSize. */
  stride?: Size;
  /** -Infinity added on both sides of each spatial dim, at most half the kernel. Default 0. */
  padding?: Size;
  /** The spacing between window elements. Default 1. */
  dilation?: Size;
  /** Round the output size up rather than down (a last, partial window). Default false. */
  ceilMode?: boolean;
  /** Also return where each maximum came from (int32 flat indices into each plane). Default false. */
  returnIndices?: R;
}

const MAX_POOL_OPTIONS = optionKeys<MaxPoolOptions<number>>({
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
  returnIndices: true,
});

/** What forward returns: the pooled values, with their indices when `returnIndices` is true. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Variable, Tensor] : Variable;

/** What the functional op receives: the layer's checked, expanded arguments. */
export interface MaxPoolCall {
  kernelSize: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  returnIndices: boolean;
}

/** The shared body of `MaxPool1d` and `MaxPool2d`: argument checks and the input check of forward. */
export abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  protected constructor(
    private readonly op: 'MaxPool1d' | 'MaxPool2d',
    private readonly dims: 1 | 2,
    kernelSize: number | readonly number[],
    options: MaxPoolOptions<number | readonly number[], R>,
  ) {
    super();
    this.kernelSize = tupleArg(op, 'kernelSize', kernelSize, dims, 1);
    const {
      stride,
      padding = 0,
      dilation = 1,
      ceilMode,
      returnIndices,
    } = checkOptions(op, options, MAX_POOL_OPTIONS);
    this.stride = stride === undefined ? [...this.kernelSize] : tupleArg(op, 'stride', stride, dims, 1);
    this.padding = tupleArg(op, 'padding', padding, dims, 0);
    this.dilation = tupleArg(op, 'dilation', dilation, dims, 1);
    requireHalfKernel(op, this.padding, this.kernelSize);
    this.ceilMode = checkBoolean(op, 'ceilMode', ceilMode, false);
    this.returnIndices = checkBoolean(op, 'returnIndices', returnIndices, false) as R;
  }

  forward(x: VariableLike): MaxPoolResult<R> {
    requireSpatialInput(this.op, x, this.dims);
    const result = this.pool(x, {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    });
    return result as MaxPoolResult<R>;
  }

  /** The functional op: maxPool1d or maxPool2d. @internal */
  protected abstract pool(x: VariableLike, call: MaxPoolCall): Variable | [Variable, Tensor];
}

/**
 * PyTorch refuses padding over half the kernel (a window could then hold only padding); checking
 * it here fails at construction rather than at the first forward.
 */
export function requireHalfKernel(
  op: string,
  padding: readonly number[],
  kernelSize: readonly number[],
): void {
  if (padding.every((p, i) => p <= kernelSize[i]! / 2)) return;
  throw new ValueError(
    `${op}: padding must be at most half of kernelSize — padding=${formatTuple(padding)}, ` +
      `kernelSize=${formatTuple(kernelSize)} (use a smaller padding or a larger kernel)`,
  );
}
