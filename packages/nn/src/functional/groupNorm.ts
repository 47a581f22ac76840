import { add, mean, mul, reshape, rsqrt, sub, type Variable, type VariableLike } from '@mtl/autograd';
import {
  checkInteger,
  checkNumber,
  checkOptions,
  formatShape,
  optionKeys,
  ShapeError,
  type Tensor,
  ValueError,
} from '@mtl/tensor';
import { requireFloat, tensorOf } from '../losses/validate';

export interface GroupNormOptions {
  /** A per-channel scale, shape [C] (differentiable when a Variable). */
  weight?: VariableLike;
  /** A per-channel shift, shape [C] (differentiable when a Variable). */
  bias?: VariableLike;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

const GROUP_NORM_OPTIONS = optionKeys<GroupNormOptions>({ weight: true, bias: true, eps: true });

/**
 * Group normalisation, as `torch.nn.functional.group_norm`: splits the C channels of an
 * (N, C, …) input into `numGroups` groups of consecutive channels and normalises each sample's
 * group — its channels and all their positions together — to zero mean and unit (biased)
 * variance, (x − mean)/√(var + eps); then scales by `weight` and shifts by `bias` per channel
 * when given. Unlike batch norm it uses no batch statistics, so training and eval agree.
 * Differentiable in x, weight and bias.
 *
 * ```ts
 * groupNorm(x, 2, { weight, bias }); // x [N, 6, H, W]: channels 0–2 and 3–5 normalised apart
 * ```
 */
export function groupNorm(x: VariableLike, numGroups: number, options: GroupNormOptions = {}): Variable {
  const op = 'groupNorm';
  const { weight, bias, eps = 1e-5 } = checkOptions(op, options, GROUP_NORM_OPTIONS);
  const t = tensorOf(op, 'x', x);
  requireFloat(op, 'x', t);
  checkInteger(op, 'numGroups', numGroups, { min: 1 });
  checkNumber(op, 'eps', eps, { min: 0 });
  if (t.rank < 2) {
    throw new ShapeError(`${op}: x must be (N, C) or (N, C, …) — x.shape=${formatShape(t.shape)}`);
  }
  const [n, channels] = t.shape as [number, number];
  if (channels % numGroups !== 0) {
    throw new ShapeError(
      `${op}: the channels must divide into numGroups groups — x.shape=${formatShape(t.shape)} has ` +
        `${channels} channels, numGroups=${numGroups}`,
    );
  }
  const perGroup = (channels / numGroups) * t.shape.slice(2).reduce((a, b) => a * b, 1);
  if (n * perGroup === 1) {
    // PyTorch's check: a lone value normalises to 0 whatever it is, so nothing could be learned.
    throw new ValueError(
      `${op}: expected more than 1 value per group — x.shape=${formatShape(t.shape)}, numGroups=${numGroups} ` +
        `(use fewer groups or a larger input)`,
    );
  }
  const checkChannels = (name: string, v: Tensor) => {
    if (v.rank !== 1 || v.size !== channels) {
      throw new ShapeError(
        `${op}: ${name} must hold one value per channel — ${name}.shape=${formatShape(v.shape)}, ` +
          `x.shape=${formatShape(t.shape)} (expected [${channels}])`,
      );
    }
  };
  if (weight !== undefined) checkChannels('weight', tensorOf(op, 'weight', weight));
  if (bias !== undefined) checkChannels('bias', tensorOf(op, 'bias', bias));

  // Each (sample, group) is one row of [N, G, C/G·∏spatial]: its statistics are one reduction.
  const grouped = reshape(x, [n, numGroups, perGroup]);
  const centred = sub(grouped, mean(grouped, 2, { keepDim: true }));
  const variance = mean(mul(centred, centred), 2, { keepDim: true });
  let out = reshape(mul(centred, rsqrt(add(variance, eps))), t.shape);
  const view = t.shape.map((s, d) => (d === 1 ? s : 1));
  if (weight !== undefined) out = mul(out, reshape(weight, view));
  if (bias !== undefined) out = add(out, reshape(bias, view));
  return out;
}
