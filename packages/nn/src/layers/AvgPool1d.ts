import { avgPool1d, type Variable, type VariableLike } from '@mtl/autograd';
import { type AvgPoolCall, AvgPoolNd, type AvgPoolOptions } from './AvgPoolNd';

/** The options of `AvgPool1d`: sizes as a number or [n]. */
export type AvgPool1dOptions = AvgPoolOptions<number | readonly [number]>;

/**
 * The mean over sliding windows of [N, C, L] (or unbatched [C, L]) inputs, as
 * `torch.nn.AvgPool1d`. No parameters.
 */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: number | readonly [number], options: AvgPool1dOptions = {}) {
    super('AvgPool1d', 1, kernelSize, options);
  }

  /** @internal */
  protected pool(x: VariableLike, call: AvgPoolCall): Variable {
    return avgPool1d(x, call);
  }
}
