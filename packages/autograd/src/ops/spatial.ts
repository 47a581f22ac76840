import type { AvgPoolOptions, ConvOptions, InterpolateOptions, MaxPoolOptions, Tensor } from '@mtl/tensor';
import { apply, type VariableLike } from '../apply';
import type { Variable } from '../Variable';
import { requireTensorLike } from '../validate';

/*
 * Differentiable convolution, pooling and resampling: @mtl/tensor's functions of the same names
 * and options (which check the arguments and compute the values), each one primitive whose
 * backward is @mtl/tensor's matching gradient function.
 */

/** 1-d convolution, as @mtl/tensor's `conv1d` (`torch.nn.functional.conv1d`); differentiable in x, weight and bias. */
export function conv1d(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
  options?: ConvOptions,
): Variable {
  return conv('conv1d', 1, x, weight, bias, options);
}

/**
 * 2-d convolution, as @mtl/tensor's `conv2d` (`torch.nn.functional.conv2d`): x [N, C, H, W] or
 * [C, H, W], weight [O, C/groups, kH, kW], bias [O]; differentiable in all three (the input's
 * gradient is a transposed convolution, the weight's a correlation of x with the gradient).
 *
 * @example
 * conv2d(x, w, b, { padding: 1 }); // x: [32, 1, 28, 28], w: [8, 1, 3, 3] → [32, 8, 28, 28]
 */
export function conv2d(
  x: VariableLike,
  weight: VariableLike,
  bias?: VariableLike | null,
  options?: ConvOptions,
): Variable {
  return conv('conv2d', 2, x, weight, bias, options);
}

function conv(
  op: string,
  dims: 1 | 2,
  x: VariableLike,
  weight: VariableLike,
  bias: VariableLike | null | undefined,
  options: ConvOptions | undefined,
): Variable {
  requireTensorLike(op, 'x', x);
  requireTensorLike(op, 'weight', weight);
  const hasBias = bias !== undefined && bias !== null;
  if (hasBias) requireTensorLike(op, 'bias', bias);
  return apply('conv', hasBias ? [x, weight, bias] : [x, weight], { dims, options });
}

/**
 * 1-d max pooling, as @mtl/tensor's `maxPool1d`; the gradient goes to each window's maximum.
 * With `returnIndices: true`, returns `[values, indices]` (indices a constant int32 Tensor).
 */
export function maxPool1d(
  x: VariableLike,
  options: MaxPoolOptions & { returnIndices: true },
): [Variable, Tensor];
export function maxPool1d(x: VariableLike, options: MaxPoolOptions): Variable;
export function maxPool1d(x: VariableLike, options: MaxPoolOptions): Variable | [Variable, Tensor] {
  return maxPool('maxPool1d', 1, x, options);
}

/**
 * 2-d max pooling, as @mtl/tensor's `maxPool2d` (`torch.nn.functional.max_pool2d`); the
 * gradient goes to each window's maximum (the first of ties, as torch). With
 * `returnIndices: true`, returns `[values, indices]`.
 *
 * @example
 * maxPool2d(x, { kernelSize: 2 }); // [32, 8, 28, 28] → [32, 8, 14, 14]
 */
export function maxPool2d(
  x: VariableLike,
  options: MaxPoolOptions & { returnIndices: true },
): [Variable, Tensor];
export function maxPool2d(x: VariableLike, options: MaxPoolOptions): Variable;
export function maxPool2d(x: VariableLike, options: MaxPoolOptions): Variable | [Variable, Tensor] {
  return maxPool('maxPool2d', 2, x, options);
}

function maxPool(
  op: string,
  dims: 1 | 2,
  x: VariableLike,
  options: MaxPoolOptions,
): Variable | [Variable, Tensor] {
  requireTensorLike(op, 'x', x);
  const params: { dims: 1 | 2; options: MaxPoolOptions; indices?: Tensor } = { dims, options };
  const values = apply('maxPool', [x], params);
  return options?.returnIndices === true ? [values, params.indices!] : values;
}

/** 1-d average pooling, as @mtl/tensor's `avgPool1d`; the gradient is spread evenly over each window. */
export function avgPool1d(x: VariableLike, options: Omit<AvgPoolOptions, 'divisorOverride'>): Variable {
  requireTensorLike('avgPool1d', 'x', x);
  return apply('avgPool', [x], { dims: 1, options });
}

/** 2-d average pooling, as @mtl/tensor's `avgPool2d` (`torch.nn.functional.avg_pool2d`). */
export function avgPool2d(x: VariableLike, options: AvgPoolOptions): Variable {
  requireTensorLike('avgPool2d', 'x', x);
  return apply('avgPool', [x], { dims: 2, options });
}

/** Adaptive 1-d average pooling, as @mtl/tensor's `adaptiveAvgPool1d`. */
export function adaptiveAvgPool1d(x: VariableLike, outputSize: number | [number]): Variable {
  requireTensorLike('adaptiveAvgPool1d', 'x', x);
  return apply('adaptiveAvgPool', [x], { dims: 1, outputSize });
}

/**
 * Adaptive 2-d average pooling, as @mtl/tensor's `adaptiveAvgPool2d`
 * (`torch.nn.functional.adaptive_avg_pool2d`); `adaptiveAvgPool2d(x, 1)` is global average pooling.
 */
export function adaptiveAvgPool2d(
  x: VariableLike,
  outputSize: number | [number | null, number | null],
): Variable {
  requireTensorLike('adaptiveAvgPool2d', 'x', x);
  return apply('adaptiveAvgPool', [x], { dims: 2, outputSize });
}

/** Resizing, as @mtl/tensor's `interpolate` (`torch.nn.functional.interpolate`); differentiable in x. */
export function interpolate(x: VariableLike, options: InterpolateOptions): Variable {
  requireTensorLike('interpolate', 'x', x);
  return apply('interpolate', [x], { options });
}
