import { maxPool1d, type Variable, type VariableLike } from '@mtl/autograd';
import type { Tensor } from '@mtl/tensor';
import { type MaxPoolCall, MaxPoolNd, type MaxPoolOptions } from './MaxPoolNd';

/** The options of `MaxPool1d`: sizes as a number or [n]. */
export type MaxPool1dOptions<R extends boolean = boolean> = MaxPoolOptions<number | readonly [number], R>;

/**
 * The maximum over sliding windows of [N, C, L] (or unbatched [C, L]) inputs, as
 * `torch.nn.MaxPool1d`. With `returnIndices: true`, forward returns `[values, indices]`, the
 * indices int32 positions along L (PyTorch's are int64). No parameters.
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: number | readonly [number], options: MaxPool1dOptions<R> = {}) {
    super('MaxPool1d', 1, kernelSize, options);
  }

  /** @internal */
  protected pool(x: VariableLike, call: MaxPoolCall): Variable | [Variable, Tensor] {
    return call.returnIndices ? maxPool1d(x, { ...call, returnIndices: true }) : maxPool1d(x, call);
  }
}
