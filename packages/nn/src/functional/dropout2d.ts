import { mul, Variable, type VariableLike } from '@mtl/autograd';
import {
  checkBoolean,
  checkOptions,
  formatShape,
  formatValue,
  getDefaultGenerator,
  optionKeys,
  ShapeError,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { requireFloat, tensorOf } from '../losses/validate';
import { requireGenerator } from '../validate';
import type { DropoutOptions } from './dropout';

const DROPOUT2D_OPTIONS = optionKeys<DropoutOptions>({ p: true, training: true, generator: true });

/**
 * Channel dropout, as `torch.nn.functional.dropout2d`: in training, zeroes each whole channel —
 * each [H, W] plane of an [N, C, H, W] input — with probability p and scales the rest by
 * 1/(1 − p); the identity when `training` is false or p = 0 (x itself comes back), all zeros
 * when p = 1. Neighbouring pixels of a feature map are strongly correlated, so dropping them one
 * by one (plain `dropout`) hardly regularises a conv net; dropping whole maps does. The mask is
 * drawn from `generator`, one draw per (sample, channel). Differentiable in x.
 *
 * Only 4-d inputs: PyTorch 1.13 reads a 3-d input as [N, C, L] (dropping rows) and warns that it
 * will read it as an unbatched [C, H, W] instead, so a 3-d input is refused as ambiguous.
 */
export function dropout2d(x: VariableLike, options: DropoutOptions = {}): Variable {
  const op = 'dropout2d';
  const { p = 0.5, training = true, generator } = checkOptions(op, options, DROPOUT2D_OPTIONS);
  requireProbability(op, p);
  checkBoolean(op, 'training', training, false);
  requireGenerator(op, generator);
  const value = tensorOf(op, 'x', x);
  if (value.rank !== 4) {
    const hint =
      value.rank === 3
        ? 'a 3-d input is ambiguous: PyTorch 1.13 reads it as [N, C, L] and warns that this will change to ' +
          'an unbatched [C, H, W]; add the batch dim with x.unsqueeze(0)'
        : 'use dropout for element-wise dropout';
    throw new ShapeError(
      `${op}: expected a 4-d input [N, C, H, W], got x.shape=${formatShape(value.shape)} (${hint})`,
    );
  }
  if (!training || p === 0) return x instanceof Variable ? x : new Variable(value);
  requireFloat(op, 'x', value);
  // As dropout: multiplying by zeros keeps NaN and ±Infinity NaN, as PyTorch does.
  if (p === 1) return mul(x, 0);
  const keep = 1 - p;
  const scale = 1 / keep;
  const [n, c] = value.shape as [number, number];
  const uniform = (generator ?? getDefaultGenerator()).fillUniform(new Float64Array(n * c));
  const mask = new Float64Array(n * c);
  for (let i = 0; i < mask.length; i++) mask[i] = uniform[i]! < keep ? scale : 0;
  // One value per (sample, channel), broadcast over the plane.
  return mul(x, tensor(mask, { shape: [n, c, 1, 1], dtype: 'float64' }).to(value.dtype));
}

/** Requires p in [0, 1]. */
export function requireProbability(op: string, p: unknown): void {
  if (typeof p === 'number' && p >= 0 && p <= 1) return;
  throw new ValueError(`${op}: p must be a probability in [0, 1], got ${formatValue(p)}`);
}
