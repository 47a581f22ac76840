import { adaptiveAvgPool2d, type Variable, type VariableLike } from '@mtl/autograd';
import { formatValue, ValueError } from '@mtl/tensor';
import { Module } from '../Module';
import { requireSpatialInput } from './spatialArgs';

/**
 * The mean over the windows that split each H×W plane into an `outputSize` grid, whatever the
 * input's size, as `torch.nn.AdaptiveAvgPool2d`: `outputSize` is a number (a square), or
 * [h, w] where null keeps the input's size along that dim. No parameters.
 *
 * @example
 * const pool = new AdaptiveAvgPool2d(1); // global average pooling: [N, C, H, W] → [N, C, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | [number | null, number | null];

  constructor(outputSize: number | readonly [number | null, number | null]) {
    super();
    const isSize = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1;
    const ok =
      isSize(outputSize) ||
      (Array.isArray(outputSize) &&
        outputSize.length === 2 &&
        outputSize.every((v) => v === null || isSize(v)));
    if (!ok) {
      throw new ValueError(
        `AdaptiveAvgPool2d: outputSize must be a non-negative integer or a pair [h, w] of them ` +
          `(null keeps the input's size) — got ${formatValue(outputSize)}`,
      );
    }
    this.outputSize =
      typeof outputSize === 'number' ? outputSize : [outputSize[0] ?? null, outputSize[1] ?? null];
  }

  forward(x: VariableLike): Variable {
    requireSpatialInput('AdaptiveAvgPool2d', x, 2);
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
