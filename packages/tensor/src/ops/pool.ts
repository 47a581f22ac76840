import { getKernel, KERNELS } from '../backend/registry';
import { checkBoolean, checkInteger, checkOptions, optionKeys } from '../checks';
import { formatShape, formatValue, ShapeError, ValueError } from '../errors';
import type { FloatArray } from '../kernels/im2col';
import {
  type AvgRule,
  adaptiveAvgPool as adaptiveAvgPoolLoop,
  avgPoolBackward as avgPoolBackwardLoop,
  avgPool as avgPoolLoop,
  maxPoolBackward as maxPoolBackwardLoop,
} from '../kernels/pool';
import { Tensor } from '../Tensor';
import { allocateChecked, requireTensor } from '../validate';
import {
  inputPlanes,
  outputShape,
  type Planes,
  poolOutput,
  poolWindow,
  requireFloatInput,
  requireGradOutput,
  type SpatialDims,
  spatialValues,
  type Window,
} from './window';

/** Options of {@link maxPool1d} and {@link maxPool2d} (as `torch.nn.functional.max_pool2d`). */
export interface MaxPoolOptions {
  /** Window size: a number, or one per spatial dim. Required. */
  kernelSize: number | number[];
  /** Step between windows. Default: kernelSize. */
  stride?: number | number[];
  /** −∞ padding on both sides, at most half the kernel. Default 0. */
  padding?: number | number[];
  /** Spacing between window taps. Default 1. */
  dilation?: number | number[];
  /** Round the output size up (a last, partial window), as torch's `ceil_mode`. Default false. */
  ceilMode?: boolean;
  /** Also return where each maximum was (int32 flat indices into each input plane). Default false. */
  returnIndices?: boolean;
}

/** Options of {@link avgPool1d} and {@link avgPool2d} (as `torch.nn.functional.avg_pool2d`). */
export interface AvgPoolOptions {
  kernelSize: number | number[];
  stride?: number | number[];
  /** Zero padding on both sides, at most half the kernel. Default 0. */
  padding?: number | number[];
  ceilMode?: boolean;
  /** Count the zero padding in each window's divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (2-d only, as torch). */
  divisorOverride?: number;
}

const MAX_POOL_OPTIONS = optionKeys<MaxPoolOptions>({
  kernelSize: true,
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
  returnIndices: true,
});
const AVG_POOL_OPTIONS = optionKeys<AvgPoolOptions>({
  kernelSize: true,
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
  divisorOverride: true,
});
const AVG_POOL1D_OPTIONS = AVG_POOL_OPTIONS.filter((k) => k !== 'divisorOverride');

/**
 * Max pooling over windows of the last dim of x [N, C, L] or [C, L] (`torch.nn.functional.max_pool1d`).
 * With `returnIndices: true`, returns `[values, indices]`.
 *
 * @example
 * maxPool1d(x, { kernelSize: 2 }); // [8, 4, 10] → [8, 4, 5]
 */
export function maxPool1d(x: Tensor, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, options: MaxPoolOptions): Tensor;
export function maxPool1d(x: Tensor, options: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, x, options);
}

/**
 * Max pooling over windows of the last two dims of x [N, C, H, W] or [C, H, W]
 * (`torch.nn.functional.max_pool2d`): the first maximum of each window (NaN wins, as torch).
 * With `returnIndices: true`, returns `[values, indices]`, indices int32 flat positions in each
 * H·W plane — what {@link maxPool2dBackward} takes.
 *
 * @example
 * maxPool2d(x, { kernelSize: 2 }); // [8, 4, 28, 28] → [8, 4, 14, 14]
 */
export function maxPool2d(x: Tensor, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, options: MaxPoolOptions): Tensor;
export function maxPool2d(x: Tensor, options: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, x, options);
}

function maxPoolNd(
  op: string,
  dims: SpatialDims,
  x: Tensor,
  options: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  requireTensor(op, 'x', x);
  const opts = checkOptions(op, options, MAX_POOL_OPTIONS);
  requireFloatInput(op, 'x', x);
  const { planes, batched } = inputPlanes(op, x, dims);
  const win = poolWindow(op, opts, dims);
  const { outH, outW } = poolOutput(op, planes, win, opts.ceilMode);
  const withIndices = checkBoolean(op, 'returnIndices', opts.returnIndices, false);
  const shape = outputShape(planes, planes.channels, outH, outW, dims, batched);
  const values = allocateChecked(op, x.dtype, shape) as FloatArray;
  const indices = allocateChecked(op, 'int32', shape) as Int32Array;
  getKernel(KERNELS.maxPool)(x.data as FloatArray, planes, win, outH, outW, values, indices);
  const out = new Tensor(values, shape, x.dtype);
  return withIndices ? [out, new Tensor(indices, shape, 'int32')] : out;
}

/**
 * The gradient of {@link maxPool1d} w.r.t. x: each entry of `gradOutput` added at the position
 * its maximum came from (`indices` from `maxPool1d(x, { …, returnIndices: true })`), in a zero
 * tensor of x's shape.
 */
export function maxPool1dBackward(gradOutput: Tensor, x: Tensor, indices: Tensor): Tensor {
  return maxPoolGrad('maxPool1dBackward', 1, gradOutput, x, indices);
}

/** The gradient of {@link maxPool2d} w.r.t. x; see {@link maxPool1dBackward}. */
export function maxPool2dBackward(gradOutput: Tensor, x: Tensor, indices: Tensor): Tensor {
  return maxPoolGrad('maxPool2dBackward', 2, gradOutput, x, indices);
}

function maxPoolGrad(op: string, dims: SpatialDims, gradOutput: Tensor, x: Tensor, indices: Tensor): Tensor {
  requireTensor(op, 'x', x);
  requireTensor(op, 'indices', indices);
  requireFloatInput(op, 'x', x);
  const { planes } = inputPlanes(op, x, dims);
  requireTensor(op, 'gradOutput', gradOutput);
  if (gradOutput.rank !== x.rank) {
    throw new ShapeError(
      `${op}: gradOutput must have x's rank — gradOutput.shape=${formatShape(gradOutput.shape)}, x.shape=${formatShape(x.shape)}`,
    );
  }
  requireGradOutput(op, gradOutput, x, [...x.shape.slice(0, -dims), ...gradOutput.shape.slice(-dims)]);
  if (indices.dtype !== 'int32' || indices.shape.join() !== gradOutput.shape.join()) {
    throw new ShapeError(
      `${op}: indices must be int32 with gradOutput's shape ${formatShape(gradOutput.shape)} — got ${indices.dtype} ${formatShape(indices.shape)}`,
    );
  }
  const count = planes.batch * planes.channels;
  const inPlane = planes.height * planes.width;
  const idx = indices.data as Int32Array;
  const dx = allocateChecked(op, x.dtype, x.shape) as FloatArray;
  const bad = maxPoolBackwardLoop(
    gradOutput.data as FloatArray,
    idx,
    count,
    inPlane,
    gradOutput.size / Math.max(count, 1),
    dx,
  );
  if (bad >= 0) {
    throw new ValueError(
      `${op}: indices[${bad}] = ${idx[bad]} is outside an input plane of ${inPlane} elements`,
    );
  }
  return new Tensor(dx, x.shape, x.dtype);
}

/**
 * Average pooling over windows of the last dim of x [N, C, L] or [C, L]
 * (`torch.nn.functional.avg_pool1d`).
 */
export function avgPool1d(x: Tensor, options: Omit<AvgPoolOptions, 'divisorOverride'>): Tensor {
  return avgPoolNd('avgPool1d', 1, x, options).out;
}

/**
 * Average pooling over windows of the last two dims of x [N, C, H, W] or [C, H, W]
 * (`torch.nn.functional.avg_pool2d`): each window's sum divided by its size — counting the
 * padding unless `countIncludePad: false`, or by `divisorOverride`.
 *
 * @example
 * avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 }); // keeps H and W
 */
export function avgPool2d(x: Tensor, options: AvgPoolOptions): Tensor {
  return avgPoolNd('avgPool2d', 2, x, options).out;
}

/** The gradient of {@link avgPool1d} w.r.t. x (same options), of x's shape. */
export function avgPool1dBackward(
  gradOutput: Tensor,
  x: Tensor,
  options: Omit<AvgPoolOptions, 'divisorOverride'>,
): Tensor {
  return avgPoolGrad('avgPool1dBackward', 1, gradOutput, x, options);
}

/** The gradient of {@link avgPool2d} w.r.t. x (same options), of x's shape. */
export function avgPool2dBackward(gradOutput: Tensor, x: Tensor, options: AvgPoolOptions): Tensor {
  return avgPoolGrad('avgPool2dBackward', 2, gradOutput, x, options);
}

interface AvgPlan {
  planes: Planes;
  win: Window;
  outH: number;
  outW: number;
  rule: AvgRule;
  shape: number[];
}

function avgPlan(op: string, dims: SpatialDims, x: Tensor, options: AvgPoolOptions): AvgPlan {
  requireTensor(op, 'x', x);
  const opts = checkOptions(op, options, dims === 1 ? AVG_POOL1D_OPTIONS : AVG_POOL_OPTIONS);
  requireFloatInput(op, 'x', x);
  const { planes, batched } = inputPlanes(op, x, dims);
  const win = poolWindow(op, opts, dims);
  const { outH, outW } = poolOutput(op, planes, win, opts.ceilMode);
  const rule: AvgRule = {
    countIncludePad: checkBoolean(op, 'countIncludePad', opts.countIncludePad, true),
    divisor:
      opts.divisorOverride === undefined
        ? undefined
        : checkInteger(op, 'divisorOverride', opts.divisorOverride, { min: 1 }),
  };
  return {
    planes,
    win,
    outH,
    outW,
    rule,
    shape: outputShape(planes, planes.channels, outH, outW, dims, batched),
  };
}

function avgPoolNd(op: string, dims: SpatialDims, x: Tensor, options: AvgPoolOptions): { out: Tensor } {
  const { planes, win, outH, outW, rule, shape } = avgPlan(op, dims, x, options);
  const out = allocateChecked(op, x.dtype, shape) as FloatArray;
  avgPoolLoop(x.data as FloatArray, planes, win, outH, outW, rule, out);
  return { out: new Tensor(out, shape, x.dtype) };
}

function avgPoolGrad(
  op: string,
  dims: SpatialDims,
  gradOutput: Tensor,
  x: Tensor,
  options: AvgPoolOptions,
): Tensor {
  const { planes, win, outH, outW, rule, shape } = avgPlan(op, dims, x, options);
  requireGradOutput(op, gradOutput, x, shape);
  const dx = allocateChecked(op, x.dtype, x.shape) as FloatArray;
  avgPoolBackwardLoop(gradOutput.data as FloatArray, planes, win, outH, outW, rule, dx);
  return new Tensor(dx, x.shape, x.dtype);
}

/**
 * Adaptive average pooling of x [N, C, L] or [C, L] to `outputSize` positions
 * (`torch.nn.functional.adaptive_avg_pool1d`): window o covers [⌊o·L/out⌋, ⌈(o+1)·L/out⌉).
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | [number]): Tensor {
  return adaptive('adaptiveAvgPool1d', 1, x, outputSize, null);
}

/**
 * Adaptive average pooling of x [N, C, H, W] or [C, H, W] to `outputSize` (a number for both
 * dims, or [h, w] with null keeping that dim) — `torch.nn.functional.adaptive_avg_pool2d`.
 *
 * @example
 * adaptiveAvgPool2d(x, 1); // global average pooling: [8, 64, 7, 7] → [8, 64, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | [number | null, number | null]): Tensor {
  return adaptive('adaptiveAvgPool2d', 2, x, outputSize, null);
}

/** The gradient of {@link adaptiveAvgPool1d} w.r.t. x. */
export function adaptiveAvgPool1dBackward(
  gradOutput: Tensor,
  x: Tensor,
  outputSize: number | [number],
): Tensor {
  return adaptive('adaptiveAvgPool1dBackward', 1, x, outputSize, gradOutput);
}

/** The gradient of {@link adaptiveAvgPool2d} w.r.t. x. */
export function adaptiveAvgPool2dBackward(
  gradOutput: Tensor,
  x: Tensor,
  outputSize: number | [number | null, number | null],
): Tensor {
  return adaptive('adaptiveAvgPool2dBackward', 2, x, outputSize, gradOutput);
}

function adaptive(
  op: string,
  dims: SpatialDims,
  x: Tensor,
  outputSize: unknown,
  gradOutput: Tensor | null,
): Tensor {
  requireTensor(op, 'x', x);
  requireFloatInput(op, 'x', x);
  const { planes, batched } = inputPlanes(op, x, dims);
  const requested = Array.isArray(outputSize) ? outputSize : [outputSize];
  if (requested.length !== (Array.isArray(outputSize) ? dims : 1)) {
    throw new ValueError(
      `${op}: outputSize must be a number or ${dims === 1 ? '[length]' : '[h, w]'} — got ${formatValue(outputSize)}`,
    );
  }
  const sizes = spatialValues(
    op,
    'outputSize',
    Array.isArray(outputSize)
      ? outputSize.map((v, i) =>
          (v === null || v === undefined) && dims === 2 ? [planes.height, planes.width][i] : v,
        )
      : outputSize,
    dims,
    1,
  );
  const [outH, outW] = dims === 1 ? [1, sizes[0]!] : [sizes[0]!, sizes[1]!];
  const shape = outputShape(planes, planes.channels, outH, outW, dims, batched);
  if (gradOutput === null) {
    const out = allocateChecked(op, x.dtype, shape) as FloatArray;
    adaptiveAvgPoolLoop(x.data as FloatArray, planes, outH, outW, out, false);
    return new Tensor(out, shape, x.dtype);
  }
  requireGradOutput(op, gradOutput, x, shape);
  const dx = allocateChecked(op, x.dtype, x.shape) as FloatArray;
  adaptiveAvgPoolLoop(gradOutput.data as FloatArray, planes, outH, outW, dx, true);
  return new Tensor(dx, x.shape, x.dtype);
}
