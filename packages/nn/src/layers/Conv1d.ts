import { conv1d, type Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { type ConvCall, ConvNd, type ConvOptions } from './ConvNd';

/** The options of `Conv1d`: sizes as a number or [n]. */
export type Conv1dOptions = ConvOptions<number | readonly [number]>;

/**
 * A 1-d convolution over [N, C, L] (or unbatched [C, L]) inputs, as `torch.nn.Conv1d`: weight
 * [outChannels, inChannels/groups, kernelSize] and bias [outChannels], both initialised
 * U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups · kernelSize, as PyTorch does; the
 * state dict is `torch.nn.Conv1d`'s (`weight`, `bias`).
 *
 * @example
 * const conv = new Conv1d(16, 32, 5, { padding: 'same' }); // [N, 16, L] → [N, 32, L]
 */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    options: Conv1dOptions = {},
  ) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  /** @internal */
  protected convolve(x: VariableLike, weight: Parameter, bias: Parameter | null, call: ConvCall): Variable {
    return conv1d(x, weight, bias, call);
  }
}
