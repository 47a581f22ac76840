import type { Variable, VariableLike } from '@mtl/autograd';
import { checkBoolean, checkOptions, optionKeys } from '@mtl/tensor';
import { Module } from '../Module';
import { requireSize } from '../validate';
import { requireHalfKernel } from './MaxPoolNd';
import { requireSpatialInput, tupleArg } from './spatialArgs';

/** The options of `AvgPool1d` and `AvgPool2d` (sizes: a number, or one per spatial dim). */
export interface AvgPoolOptions<Size> {
  /** The step between windows. Default kernelSize. */
  stride?: Size;
  /** Zeros added on both sides of each spatial dim, at most half the kernel. Default 0. */
  padding?: Size;
  /** Round the output size up rather than down (a last, partial window). Default false. */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor. Default true. */
  countIncludePad?: boolean;
}

/** The options of `AvgPool2d`: also `divisorOverride`. */
export interface AvgPool2dOptions extends AvgPoolOptions<number | readonly [number, number]> {
  /** Divide every window's sum by this instead of its size. */
  divisorOverride?: number;
}

const AVG_POOL_OPTIONS = optionKeys<AvgPool2dOptions>({
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
  divisorOverride: true,
});

/** What the functional op receives: the layer's checked, expanded arguments. */
export interface AvgPoolCall {
  kernelSize: number[];
  stride: number[];
  padding: number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride?: number;
}

/** The shared body of `AvgPool1d` and `AvgPool2d`: argument checks and the input check of forward. */
export abstract class AvgPoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | undefined;

  protected constructor(
    private readonly op: 'AvgPool1d' | 'AvgPool2d',
    private readonly dims: 1 | 2,
    kernelSize: number | readonly number[],
    options: AvgPoolOptions<number | readonly number[]> & { divisorOverride?: number },
  ) {
    super();
    this.kernelSize = tupleArg(op, 'kernelSize', kernelSize, dims, 1);
    // AvgPool1d has no divisorOverride (as in PyTorch), so its options are checked without it.
    const known = dims === 1 ? AVG_POOL_OPTIONS.filter((k) => k !== 'divisorOverride') : AVG_POOL_OPTIONS;
    const {
      stride,
      padding = 0,
      ceilMode,
      countIncludePad,
      divisorOverride,
    } = checkOptions(op, options, known);
    this.stride = stride === undefined ? [...this.kernelSize] : tupleArg(op, 'stride', stride, dims, 1);
    this.padding = tupleArg(op, 'padding', padding, dims, 0);
    requireHalfKernel(op, this.padding, this.kernelSize);
    this.ceilMode = checkBoolean(op, 'ceilMode', ceilMode, false);
    this.countIncludePad = checkBoolean(op, 'countIncludePad', countIncludePad, true);
    this.divisorOverride =
      divisorOverride === undefined ? undefined : requireSize(op, 'divisorOverride', divisorOverride);
  }

  forward(x: VariableLike): Variable {
    requireSpatialInput(this.op, x, this.dims);
    const call: AvgPoolCall = {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    };
    if (this.divisorOverride !== undefined) call.divisorOverride = this.divisorOverride;
    return this.pool(x, call);
  }

  /** The functional op: avgPool1d or avgPool2d. @internal */
  protected abstract pool(x: VariableLike, call: AvgPoolCall): Variable;
}
