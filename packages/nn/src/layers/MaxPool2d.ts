import { maxPool2d, type Variable, type VariableLike } from '@mtl/autograd';
import type { Tensor } from '@mtl/tensor';
import { type MaxPoolCall, MaxPoolNd, type MaxPoolOptions } from './MaxPoolNd';

/** The options of `MaxPool2d`: sizes as a number or a pair [h, w]. */
export type MaxPool2dOptions<R extends boolean = boolean> = MaxPoolOptions<
  number | readonly [number, number],
  R
>;

/**
 * The maximum over sliding windows of NCHW inputs ([N, C, H, W], or unbatched [C, H, W]), as
 * `torch.nn.MaxPool2d`. With `returnIndices: true`, forward returns `[values, indices]`, the
 * indices int32 flat positions in each H·W plane (PyTorch's are int64). No parameters.
 *
 * @example
 * const pool = new MaxPool2d(2); // [N, C, 32, 32] → [N, C, 16, 16]
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: number | readonly [number, number], options: MaxPool2dOptions<R> = {}) {
    super('MaxPool2d', 2, kernelSize, options);
  }

  /** @internal */
  protected pool(x: VariableLike, call: MaxPoolCall): Variable | [Variable, Tensor] {
    return call.returnIndices ? maxPool2d(x, { ...call, returnIndices: true }) : maxPool2d(x, call);
  }
}
