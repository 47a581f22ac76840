import { mul, Variable, type VariableLike } from '@mtl/autograd';

import {
  checkBoolean,
  checkOptions,
  formatValue,
  type Generator,
  getDefaultGenerator,
  optionKeys,
  tensor,
  ValueError,
} from '@mtl/tensor';

import { requireFloat, tensorOf } from '../losses/validate';

import { requireGenerator } from '../validate';

export interface DropoutOptions {
  /** The probability of zeroing each element, in [0, 1]. Default 0.5. */
  p?: number;
  /** Drop only when true (the default); otherwise dropout is the identity. */
  training?: boolean;
  /** Where the mask comes from; the default generator (seeded by `manualSeed`) otherwise. */
  generator?: Generator;
}

const DROPOUT_OPTIONS = optionKeys<DropoutOptions>({ p: true, training: true, generator: true });

/**
 * Inverted dropout, as `torch.nn.functional.dropout`: in training, zeroes each element with
 * probability p and scales the rest by 1/(1 − p), so the expected value is unchanged; the
 * identity when `training` is false or p = 0 (x itself comes back), all zeros when p = 1. The
 * mask is drawn from `generator`: the same seed gives the same mask. Differentiable in x (the
 * gradient is masked and scaled alike).
 */
export function dropout(x: VariableLike, options: DropoutOptions = {}): Variable {
  const op = 'dropout';
  const { p = 0.5, training = true, generator } = checkOptions(op, options, DROPOUT_OPTIONS);
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new ValueError(`${op}: p must be a probability in [0, 1], got ${formatValue(p)}`);
  }
  checkBoolean(op, 'training', training, false);
  requireGenerator(op, generator);
  const value = typeof x === 'number' || typeof x === 'boolean' ? tensor(Number(x)) : tensorOf(op, 'x', x);
  if (!training || p === 0) return x instanceof Variable ? x : new Variable(value);
  requireFloat(op, 'x', value);
  // PyTorch multiplies by zeros rather than returning new zeros, so NaN and ±Infinity stay NaN.
  if (p === 1) return mul(x, 0);
  const keep = 1 - p;
  const scale = 1 / keep;
  const uniform = (generator ?? getDefaultGenerator()).fillUniform(new Float64Array(value.size));
  const mask = new Float64Array(value.size);
  for (let i = 0; i < mask.length; i++) mask[i] = uniform[i]! < keep ? scale : 0;
  return mul(x, tensor(mask, { shape: value.shape, dtype: 'float64' }).to(value.dtype));
}
