import { Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { checkBoolean, checkOptions, type DType, ones, optionKeys, zeros } from '@mtl/tensor';
import { layerNorm, normalizedShapeOf } from '../functional/layerNorm';
import { Module } from '../Module';
import { requireFinite, requireFloatDType, requireInput, requireLayerSize } from '../validate';

const LAYER_NORM_OPTIONS = optionKeys<{ eps?: number; elementwiseAffine?: boolean; dtype?: DType }>({
  eps: true,
  elementwiseAffine: true,
  dtype: true,
});

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
    const op = 'LayerNorm';
    this.normalizedShape = normalizedShapeOf(op, normalizedShape);
    const {
      elementwiseAffine = true,
      dtype = 'float32',
      eps,
    } = checkOptions(op, options, LAYER_NORM_OPTIONS);
    requireFinite(op, 'eps', eps, 0);
    checkBoolean(op, 'elementwiseAffine', elementwiseAffine, false);
    requireFloatDType(op, 'dtype', dtype);
    requireLayerSize(op, 'weight', this.normalizedShape);
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = elementwiseAffine ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  forward(x: VariableLike): Variable {
    requireInput('LayerNorm', 'x', x);
    return layerNorm(x, this.normalizedShape, {
      weight: this.weight ?? undefined,
      bias: this.bias ?? undefined,
      eps: this.options.eps ?? 1e-5,
    });
  }
}
