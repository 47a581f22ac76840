import { linear, Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { type DType, type Generator, ValueError, zeros } from '@mtl/tensor';
import { kaimingUniform, uniform } from '../init/init';
import { Module } from '../Module';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  dtype?: DType;
  /** Where the initial weights come from (the default generator otherwise). */
  generator?: Generator;
}

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
    { bias = true, dtype = 'float32', generator }: LinearOptions = {},
  ) {
    super();
    for (const [name, n] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(n) || n < 0)
        throw new ValueError(`Linear: ${name} must be a non-negative integer, got ${n}`);
    }
    this.weight = new Parameter(
      kaimingUniform(zeros([outFeatures, inFeatures], { dtype }), { a: Math.sqrt(5), generator }),
    );
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = bias
      ? new Parameter(uniform(zeros([outFeatures], { dtype }), { low: -bound, high: bound, generator }))
      : null;
  }

  forward(x: VariableLike): Variable {
    // One primitive: no transposed copy of the weight, the bias added in place.
    return linear(x, this.weight, this.bias);
  }
}
