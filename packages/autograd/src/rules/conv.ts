import { conv1d, conv1dBackward, conv2d, conv2dBackward, type Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';

/**
 * Convolution, inputs [x, weight] or [x, weight, bias]. Backward: @mtl/tensor's
 * `conv1dBackward`/`conv2dBackward` (x's gradient as a transposed convolution, weight's as a
 * correlation, bias's as the sum over batch and positions), computing only the ones needed.
 */
export const conv: Rule<'conv'> = {
  forward: ([x, w, b], { dims, options }) =>
    (dims === 1 ? conv1d : conv2d)(x as Tensor, w as Tensor, (b ?? null) as Tensor | null, options),
  backward: (g, { inputs: [x, w, b], params: { dims, options }, needsGrad }) => {
    const grads = (dims === 1 ? conv1dBackward : conv2dBackward)(x as Tensor, w as Tensor, g, options, {
      input: needsGrad[0] === true,
      weight: needsGrad[1] === true,
      bias: b !== undefined && needsGrad[2] === true,
    });
    return b === undefined ? [grads.input, grads.weight] : [grads.input, grads.weight, grads.bias];
  },
};
