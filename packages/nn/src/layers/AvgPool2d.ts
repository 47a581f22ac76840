import { avgPool2d, type Variable, type VariableLike } from '@mtl/autograd';
import { type AvgPool2dOptions, type AvgPoolCall, AvgPoolNd } from './AvgPoolNd';

export type { AvgPool2dOptions };

/**
 * The mean over sliding windows of NCHW inputs ([N, C, H, W], or unbatched [C, H, W]), as
 * `torch.nn.AvgPool2d`, with its `countIncludePad` and `divisorOverride`. No parameters.
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: number | readonly [number, number], options: AvgPool2dOptions = {}) {
    super('AvgPool2d', 2, kernelSize, options);
  }

  /** @internal */
  protected pool(x: VariableLike, call: AvgPoolCall): Variable {
    return avgPool2d(x, call);
  }
}
