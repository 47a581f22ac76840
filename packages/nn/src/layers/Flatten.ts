import { flatten, type Variable, type VariableLike } from '@mtl/autograd';
import { Module } from '../Module';
import { requireInteger, tensorOf } from '../validate';

/**
 * Merges dims `startDim`..`endDim` into one, as `torch.nn.Flatten`: by default every dim but the
 * batch dim, so a conv stack's [N, C, H, W] becomes the [N, C·H·W] a Linear layer takes. Dims may
 * be negative. No parameters.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    requireInteger('Flatten', 'startDim', startDim);
    requireInteger('Flatten', 'endDim', endDim);
  }

  forward(x: VariableLike): Variable {
    tensorOf('Flatten', 'x', x);
    return flatten(x, this.startDim, this.endDim);
  }
}
