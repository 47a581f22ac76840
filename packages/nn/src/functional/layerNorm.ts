import { add, mean, mul, rsqrt, sub, type Variable, type VariableLike } from '@mtl/autograd';

import {
  checkNumber,
  checkOptions,
  formatShape,
  formatValue,
  optionKeys,
  ShapeError,
  sameShape,
  ValueError,
} from '@mtl/tensor';

import { requireFloat, tensorOf } from '../losses/validate';

export interface LayerNormOptions {
  /** A scale of shape `normalizedShape` (differentiable when a Variable). */
  weight?: VariableLike;
  /** A shift of shape `normalizedShape` (differentiable when a Variable). */
  bias?: VariableLike;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

const LAYER_NORM_OPTIONS = optionKeys<LayerNormOptions>({ weight: true, bias: true, eps: true });

/**
 * Layer normalisation, as `torch.nn.functional.layer_norm`: normalises x over its trailing dims
 * `normalizedShape` to zero mean and unit (biased) variance, (x − mean)/√(var + eps), then
 * scales by `weight` and shifts by `bias` when given. Differentiable in x, weight and bias.
 *
 * ```ts
 * layerNorm(x, [64], { weight, bias }); // x of shape [batch, 64]
 * ```
 */
export function layerNorm(
  x: VariableLike,
  normalizedShape: number | readonly number[],
  options: LayerNormOptions = {},
): Variable {
  const op = 'layerNorm';
  const { weight, bias, eps = 1e-5 } = checkOptions(op, options, LAYER_NORM_OPTIONS);
  const t = tensorOf(op, 'x', x);
  requireFloat(op, 'x', t);
  checkNumber(op, 'eps', eps, { min: 0 });
  const shape = normalizedShapeOf(op, normalizedShape);
  const k = shape.length;
  if (t.rank < k || !sameShape(t.shape.slice(t.rank - k), shape)) {
    throw new ShapeError(
      `${op}: x.shape must end with normalizedShape — x.shape=${formatShape(t.shape)}, ` +
        `normalizedShape=${formatShape(shape)}`,
    );
  }
  for (const [name, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p === undefined) continue;
    const v = tensorOf(op, name, p);
    if (!sameShape(v.shape, shape)) {
      throw new ShapeError(
        `${op}: ${name}.shape must equal normalizedShape — ${name}.shape=${formatShape(v.shape)}, ` +
          `normalizedShape=${formatShape(shape)}`,
      );
    }
  }

  const dims = shape.map((_, i) => t.rank - k + i);
  const centred = sub(x, mean(x, dims, { keepDim: true }));
  const variance = mean(mul(centred, centred), dims, { keepDim: true });
  let out = mul(centred, rsqrt(add(variance, eps)));
  if (weight !== undefined) out = mul(out, weight);
  if (bias !== undefined) out = add(out, bias);
  return out;
}

/** `normalizedShape` as a list of positive integers (a number n means [n]). */
export function normalizedShapeOf(op: string, normalizedShape: unknown): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    shape.length > 64 ||
    !shape.every((s) => typeof s === 'number' && Number.isInteger(s) && s > 0 && s <= 2 ** 31 - 1)
  ) {
    throw new ValueError(
      `${op}: normalizedShape must be a positive integer or a non-empty array of them, got ${formatValue(normalizedShape)}`,
    );
  }
  return [...shape];
}
