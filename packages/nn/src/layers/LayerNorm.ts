import { Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { type DType, ones, ValueError, zeros } from '@mtl/tensor';
import { layerNorm } from '../functional/layerNorm';
import { Module } from '../Module';

/** Normalises over the trailing `normalizedShape` dims, with a learned scale and shift, as `torch.nn.LayerNorm`. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(
    normalizedShape: number | readonly number[],
    readonly options: { eps?: number; elementwiseAffine?: boolean; dtype?: DType } = {},
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (
      this.normalizedShape.length === 0 ||
      this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)
    ) {
      throw new ValueError(
        `LayerNorm: normalizedShape must hold positive integers, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    const { elementwiseAffine = true, dtype = 'float32' } = options;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = elementwiseAffine ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  forward(x: VariableLike): Variable {
    return layerNorm(x, this.normalizedShape, {
      weight: this.weight ?? undefined,
      bias: this.bias ?? undefined,
      eps: this.options.eps ?? 1e-5,
    });
  }
}
