import { linear, Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import {
  checkBoolean,
  checkChoice,
  checkOptions,
  type DType,
  type Generator,
  LINEAR_ACTIVATIONS,
  type LinearActivation,
  optionKeys,
  zeros,
} from '@mtl/tensor';
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
  /**
   * Applied to x·Wᵀ + b in the same op (tfjs's `dense({ activation })`): `'none'` (the default),
   * `'relu'`, `'gelu'` (exact, as `GELU()`), `'silu'`, `'tanh'` or `'sigmoid'`. The values and
   * gradients of the Linear followed by that activation module, without its separate pass.
   */
  activation?: LinearActivation;
  dtype?: DType;
  /** Where the initial weights come from (the default generator otherwise). */
  generator?: Generator;
}

const LINEAR_OPTIONS = optionKeys<LinearOptions>({
  bias: true,
  activation: true,
  dtype: true,
  generator: true,
});

/**
 * y = act(x·Wᵀ + b): `torch.nn.Linear` (weight [out, in], bias [out], initialised like PyTorch:
 * kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in), for both), and an optional activation
 * run in the same op, as tfjs's `dense({ activation })`. The activation has no parameters, so
 * the state dict is `torch.nn.Linear`'s either way: `new Linear(4, 8, { activation: 'relu' })`
 * loads the weights of `torch.nn.Linear(4, 8)` (the ReLU after it in PyTorch holds none).
 *
 * @example
 * const hidden = new Linear(64, 128, { activation: 'relu' }); // Linear(64, 128) then ReLU, fused
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  /** What the layer applies after x·Wᵀ + b (`'none'`: nothing). */
  readonly activation: LinearActivation;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const op = 'Linear';
    requireSize(op, 'inFeatures', inFeatures, 0);
    requireSize(op, 'outFeatures', outFeatures, 0);
    const {
      bias = true,
      activation,
      dtype = 'float32',
      generator,
    } = checkOptions(op, options, LINEAR_OPTIONS);
    checkBoolean(op, 'bias', bias, false);
    this.activation = checkChoice(op, 'activation', activation, LINEAR_ACTIVATIONS, 'none');
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
    // One primitive: no transposed copy of the weight, the bias and the activation in one pass.
    return linear(x, this.weight, this.bias, { activation: this.activation });
  }
}
