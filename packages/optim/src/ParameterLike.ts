import type { Tensor } from '@mtl/tensor';

/**
 * What an optimizer updates: a value and its gradient. @mtl/autograd's Variables and Parameters
 * satisfy it, and so does a plain object, which is how this package is used on its own.
 */
export interface ParameterLike {
  value: Tensor;
  grad: Tensor | null;
}
