import type { Variable, VariableLike } from '@mtl/autograd';
import type { Generator } from '@mtl/tensor';
import { checkOptions, optionKeys } from '@mtl/tensor';
import { dropout } from '../functional/dropout';
import { Module } from '../Module';
import { requireGenerator } from '../validate';

const DROPOUT_OPTIONS = optionKeys<{ generator?: Generator }>({ generator: true });

/** Zeroes each element with probability p in training (scaling the rest by 1/(1−p)); identity in eval. */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly options: { generator?: Generator } = {},
  ) {
    super();
    requireGenerator('Dropout', checkOptions('Dropout', options, DROPOUT_OPTIONS).generator);
    dropout(0, { p, training: false }); // validates p now rather than at the first forward
  }

  forward(x: VariableLike): Variable {
    return dropout(x, { p: this.p, training: this.training, generator: this.options.generator });
  }
}
