import {
  adaptiveAvgPool1d,
  adaptiveAvgPool1dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  type Tensor,
} from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Adaptive average pooling; the backward spreads each gradient evenly over its window. */
export const adaptiveAvgPool: Rule<'adaptiveAvgPool'> = {
  forward: ([x], { dims, outputSize }) =>
    dims === 1
      ? adaptiveAvgPool1d(x as Tensor, outputSize as number | [number])
      : adaptiveAvgPool2d(x as Tensor, outputSize as number | [number | null, number | null]),
  backward: (g, { inputs: [x], params: { dims, outputSize } }) => [
    dims === 1
      ? adaptiveAvgPool1dBackward(g, x as Tensor, outputSize as number | [number])
      : adaptiveAvgPool2dBackward(g, x as Tensor, outputSize as number | [number | null, number | null]),
  ],
};
