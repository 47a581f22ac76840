import { conv2d, type Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { type ConvCall, ConvNd, type ConvOptions } from './ConvNd';

/** The options of `Conv2d`: sizes as a number or a pair [h, w]. */
export type Conv2dOptions = ConvOptions<number | readonly [number, number]>;

/**
 * A 2-d convolution over NCHW inputs ([N, C, H, W], or unbatched [C, H, W]), as
 * `torch.nn.Conv2d`: weight [outChannels, inChannels/groups, kH, kW] and bias [outChannels],
 * both initialised U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups · kH · kW, as PyTorch
 * does (kaiming-uniform with a = √5); the state dict is `torch.nn.Conv2d`'s (`weight`, `bias`).
 *
 * @example
 * const conv = new Conv2d(3, 16, 3, { padding: 1 }); // [N, 3, 32, 32] → [N, 16, 32, 32]
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dOptions = {},
  ) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }

  /** @internal */
  protected convolve(x: VariableLike, weight: Parameter, bias: Parameter | null, call: ConvCall): Variable {
    return conv2d(x, weight, bias, call);
  }
}
