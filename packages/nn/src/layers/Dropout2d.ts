import type { Variable, VariableLike } from '@mtl/autograd';
import type { Generator } from '@mtl/tensor';
import { checkOptions, optionKeys } from '@mtl/tensor';
import { dropout2d, requireProbability } from '../functional/dropout2d';
import { Module } from '../Module';
import { requireGenerator } from '../validate';

const DROPOUT2D_OPTIONS = optionKeys<{ generator?: Generator }>({ generator: true });

/**
 * Zeroes each whole channel of an [N, C, H, W] input with probability p in training (scaling the
 * rest by 1/(1−p)), as `torch.nn.Dropout2d`; the identity in eval. See `dropout2d`.
 */
export class Dropout2d extends Module {
  constructor(
    readonly p = 0.5,
    readonly options: { generator?: Generator } = {},
  ) {
    super();
    requireGenerator('Dropout2d', checkOptions('Dropout2d', options, DROPOUT2D_OPTIONS).generator);
    requireProbability('Dropout2d', p);
  }

  forward(x: VariableLike): Variable {
    return dropout2d(x, { p: this.p, training: this.training, generator: this.options.generator });
  }
}
