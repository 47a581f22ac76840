import { linear, Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { checkBoolean, checkOptions, type DType, type Generator, optionKeys, zeros } from '@mtl/tensor';
import { kaimingUniform, uniform } from '../init/init';
import { Module } from '../Module';
import {
  requireFloatDType,
  requireGenerator,
  requireInput,
  requireLayerSize,
  requireSize,
} from '../validate';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  dtype?: DType;
  /** Where the initial weights come from (the default generator otherwise). */
  generator?: Generator;
}

const LINEAR_OPTIONS = optionKeys<LinearOptions>({ bias: true, dtype: true, generator: true });

/**
 * y = x·Wᵀ + b, as `torch.nn.Linear`: weight [out, in], bias [out], initialised like PyTorch
 * (kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in), for both).
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const op = 'Linear';
    requireSize(op, 'inFeatures', inFeatures, 0);
    requireSize(op, 'outFeatures', outFeatures, 0);
    const { bias = true, dtype = 'float32', generator } = checkOptions(op, options, LINEAR_OPTIONS);
    checkBoolean(op, 'bias', bias, false);
    requireFloatDType(op, 'dtype', dtype);
    requireGenerator(op, generator);
    requireLayerSize(op, 'weight', [outFeatures, inFeatures]);
    this.weight = new Parameter(
      kaimingUniform(zeros([outFeatures, inFeatures], { dtype }), { a: Math.sqrt(5), generator }),
    );
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = bias
      ? new Parameter(uniform(zeros([outFeatures], { dtype }), { low: -bound, high: bound, generator }))
      : null;
  }

  forward(x: VariableLike): Variable {
    requireInput('Linear', 'x', x);
    // One primitive: no transposed copy of the weight, the bias added in place.
    return linear(x, this.weight, this.bias);
  }
}
