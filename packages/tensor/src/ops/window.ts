import { checkBoolean, checkInteger } from '../checks';
import { DTypeError, formatShape, formatValue, ShapeError, ValueError } from '../errors';
import type { Tensor } from '../Tensor';
import { requireTensor } from '../validate';

/**
 * The sliding-window geometry shared by convolution and pooling, for 1-d and 2-d ops alike: a
 * 1-d op is run as a 2-d one on [N, C, 1, L] with a window of height 1, so every kernel has one
 * 2-d form.
 */
export interface Window {
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  /** Zero (or −∞) padding before the first row / column. */
  padTop: number;
  padLeft: number;
  /** Padding after the last row / column (differs from top/left only for conv's `'same'`). */
  padBottom: number;
  padRight: number;
}

/** An input as the kernels see it: [batch, channels, height, width] (a 1-d op has height 1). */
export interface Planes {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

/** Spatial dims of a 1-d or 2-d op. */
export type SpatialDims = 1 | 2;

/**
 * A per-dimension option as one value per spatial dim: a number applies to every dim, an array
 * must have one entry per dim (torch's `_single` / `_pair`).
 */
export function spatialValues(
  op: string,
  name: string,
  value: unknown,
  dims: SpatialDims,
  min: number,
): number[] {
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length !== dims) {
    throw new ValueError(
      `${op}: ${name} must be a number or ${dims === 1 ? 'a 1-element array' : 'a pair [h, w]'} — got ${formatValue(value)}`,
    );
  }
  const checked = values.map((v, i) =>
    checkInteger(op, Array.isArray(value) ? `${name}[${i}]` : name, v, { min }),
  );
  return dims === 2 && checked.length === 1 ? [checked[0]!, checked[0]!] : checked;
}

/**
 * The input as planes, for an op taking [N, C, L] / [C, L] (1-d) or [N, C, H, W] / [C, H, W]
 * (2-d) tensors, as torch does (an unbatched input gives an unbatched output).
 */
export function inputPlanes(op: string, x: Tensor, dims: SpatialDims): { planes: Planes; batched: boolean } {
  const rank = x.rank;
  if (rank !== dims + 1 && rank !== dims + 2) {
    const layout = dims === 1 ? '[N, C, L] or [C, L]' : '[N, C, H, W] or [C, H, W]';
    throw new ShapeError(`${op}: x must be ${layout} — got x.shape=${formatShape(x.shape)}`);
  }
  const batched = rank === dims + 2;
  const s = batched ? x.shape : [1, ...x.shape];
  const planes =
    dims === 1
      ? { batch: s[0]!, channels: s[1]!, height: 1, width: s[2]! }
      : { batch: s[0]!, channels: s[1]!, height: s[2]!, width: s[3]! };
  return { planes, batched };
}

/** The output shape for planes of `channels` × outH × outW, batched or not, 1-d or 2-d. */
export function outputShape(
  planes: Planes,
  channels: number,
  outH: number,
  outW: number,
  dims: SpatialDims,
  batched: boolean,
): number[] {
  const spatial = dims === 1 ? [outW] : [outH, outW];
  return batched ? [planes.batch, channels, ...spatial] : [channels, ...spatial];
}

/** Output length of a window sliding over `size` (+ padding): floor or, for `ceilMode`, ceil. */
export function slidingLength(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  padBefore: number,
  padAfter: number,
  ceilMode = false,
): number {
  const span = size + padBefore + padAfter - dilation * (k - 1) - 1;
  if (span < 0) return 0;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // torch: in ceil mode the last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= size + padBefore) out--;
  return out;
}

/** x as a float tensor (pooling and convolution are defined for float32 and float64 only). */
export function requireFloatInput(op: string, name: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new DTypeError(
      `${op}: ${name} must be float32 or float64 — got a ${t.dtype} tensor (cast it: ${name}.to('float32'))`,
    );
  }
}

/** The common pooling options, checked: kernel, stride (default kernel), padding ≤ kernel/2, dilation. */
export function poolWindow(
  op: string,
  options: { kernelSize?: unknown; stride?: unknown; padding?: unknown; dilation?: unknown },
  dims: SpatialDims,
): Window {
  if (options.kernelSize === undefined) {
    throw new ValueError(`${op}: options.kernelSize is required (e.g. { kernelSize: 2 })`);
  }
  const [kH, kW] = lift(spatialValues(op, 'kernelSize', options.kernelSize, dims, 1), dims, 1);
  const stride =
    options.stride === undefined || options.stride === null
      ? [kH!, kW!]
      : lift(spatialValues(op, 'stride', options.stride, dims, 1), dims, 1);
  const [padH, padW] = lift(spatialValues(op, 'padding', options.padding ?? 0, dims, 0), dims, 0);
  const [dH, dW] = lift(spatialValues(op, 'dilation', options.dilation ?? 1, dims, 1), dims, 1);
  if (2 * padH! > kH! || 2 * padW! > kW!) {
    throw new ValueError(
      `${op}: padding must be at most half the kernel size — got padding=${formatValue(options.padding)} for kernelSize=${formatValue(options.kernelSize)}`,
    );
  }
  return {
    kH: kH!,
    kW: kW!,
    strideH: stride[0]!,
    strideW: stride[1]!,
    dilationH: dH!,
    dilationW: dW!,
    padTop: padH!,
    padLeft: padW!,
    padBottom: padH!,
    padRight: padW!,
  };
}

/** A 1-d op's [w] values as [h, w] with the height entry `fill` (2-d values pass through). */
export function lift(values: number[], dims: SpatialDims, fill: number): number[] {
  return dims === 1 ? [fill, values[0]!] : values;
}

/** The output size of a pooling window over `planes`; throws when the window does not fit. */
export function poolOutput(
  op: string,
  planes: Planes,
  win: Window,
  ceilMode: unknown,
): { outH: number; outW: number } {
  const ceil = checkBoolean(op, 'ceilMode', ceilMode, false);
  const outH = slidingLength(
    planes.height,
    win.kH,
    win.strideH,
    win.dilationH,
    win.padTop,
    win.padBottom,
    ceil,
  );
  const outW = slidingLength(
    planes.width,
    win.kW,
    win.strideW,
    win.dilationW,
    win.padLeft,
    win.padRight,
    ceil,
  );
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${op}: the window (kernel ${win.kH}×${win.kW}, dilation ${win.dilationH}×${win.dilationW}) is larger than the padded input ${planes.height + win.padTop + win.padBottom}×${planes.width + win.padLeft + win.padRight} — use a smaller kernelSize or more padding`,
    );
  }
  return { outH, outW };
}

/** gradOutput must have the forward output's shape and x's dtype. */
export function requireGradOutput(op: string, gradOutput: Tensor, x: Tensor, shape: readonly number[]): void {
  requireTensor(op, 'gradOutput', gradOutput);
  if (gradOutput.dtype !== x.dtype) {
    throw new DTypeError(
      `${op}: gradOutput is ${gradOutput.dtype} but x is ${x.dtype} — give both the same dtype`,
    );
  }
  if (gradOutput.shape.join() !== shape.join()) {
    throw new ShapeError(
      `${op}: gradOutput must have the output's shape ${formatShape(shape)} — got ${formatShape(gradOutput.shape)}`,
    );
  }
}
