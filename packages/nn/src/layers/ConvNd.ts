import { Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import {
  checkBoolean,
  checkOptions,
  type DType,
  DTypeError,
  formatShape,
  formatValue,
  type Generator,
  optionKeys,
  ShapeError,
  ValueError,
  zeros,
} from '@mtl/tensor';
import { fans } from '../init/fans';
import { kaimingUniform, uniform } from '../init/init';
import { Module } from '../Module';
import { requireFloatDType, requireGenerator, requireLayerSize, requireSize } from '../validate';
import { channelsOf, formatTuple, requireSpatialInput, SPATIAL, tupleArg } from './spatialArgs';

/** The options of `Conv1d` and `Conv2d` (sizes: a number, or one per spatial dim). */
export interface ConvOptions<Size> {
  /** The step between windows. Default 1. */
  stride?: Size;
  /**
   * Zeros added on both sides of each spatial dim (default 0); `'valid'` is 0, `'same'` pads so
   * the output has the input's size (stride 1 only, the odd extra on the bottom/right, as PyTorch).
   */
  padding?: Size | 'same' | 'valid';
  /** The spacing between kernel elements. Default 1. */
  dilation?: Size;
  /** Split the channels into this many independent groups (inChannels and outChannels must divide). Default 1. */
  groups?: number;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  dtype?: DType;
  /** Where the initial weights come from (the default generator otherwise). */
  generator?: Generator;
}

const CONV_OPTIONS = optionKeys<ConvOptions<number>>({
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
  bias: true,
  dtype: true,
  generator: true,
});

/** What the functional op receives: the layer's checked, expanded arguments. */
export interface ConvCall {
  stride: number[];
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  groups: number;
}

/**
 * The shared body of `Conv1d` and `Conv2d`, as PyTorch's `_ConvNd`: argument checks, the
 * parameters (weight [out, in/groups, …kernel], bias [out]) with PyTorch's initialisation, and
 * the input checks of forward. A subclass names the functional op.
 */
export abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  /** Per spatial dim, or the padding string the layer was given. */
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;

  protected constructor(
    private readonly op: 'Conv1d' | 'Conv2d',
    private readonly dims: 1 | 2,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions<number | readonly number[]>,
  ) {
    super();
    requireSize(op, 'inChannels', inChannels);
    requireSize(op, 'outChannels', outChannels);
    this.kernelSize = tupleArg(op, 'kernelSize', kernelSize, dims, 1);
    const {
      stride = 1,
      padding = 0,
      dilation = 1,
      groups = 1,
      bias = true,
      dtype = 'float32',
      generator,
    } = checkOptions(op, options, CONV_OPTIONS);
    this.stride = tupleArg(op, 'stride', stride, dims, 1);
    this.dilation = tupleArg(op, 'dilation', dilation, dims, 1);
    this.padding = paddingArg(op, padding, dims);
    this.groups = requireSize(op, 'groups', groups);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        `${op}: inChannels and outChannels must both be divisible by groups — inChannels=${inChannels}, ` +
          `outChannels=${outChannels}, groups=${this.groups}`,
      );
    }
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) {
      // As PyTorch: with a stride, no single padding keeps the size, so 'same' is refused.
      throw new ValueError(
        `${op}: padding 'same' needs stride 1, got stride=${formatTuple(this.stride)} ` +
          `(give the padding as numbers for a strided convolution)`,
      );
    }
    checkBoolean(op, 'bias', bias, false);
    requireFloatDType(op, 'dtype', dtype);
    requireGenerator(op, generator);
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    requireLayerSize(op, 'weight', shape);
    // PyTorch's reset_parameters: kaiming-uniform with a = √5 is U(−1/√fanIn, 1/√fanIn), and the
    // bias takes the same bound (fanIn = in/groups · ∏kernel).
    this.weight = new Parameter(kaimingUniform(zeros(shape, { dtype }), { a: Math.sqrt(5), generator }));
    const bound = 1 / Math.sqrt(fans(op, this.weight.value).fanIn);
    this.bias = bias
      ? new Parameter(uniform(zeros([outChannels], { dtype }), { low: -bound, high: bound, generator }))
      : null;
  }

  /** `Conv2d(3, 8, 3)`, `Conv2d(4, 6, [3,2], groups=2)`: the layer as messages show it. */
  private label(): string {
    const groups = this.groups === 1 ? '' : `, groups=${this.groups}`;
    return `${this.op}(${this.inChannels}, ${this.outChannels}, ${formatTuple(this.kernelSize)}${groups})`;
  }

  forward(x: VariableLike): Variable {
    const t = requireSpatialInput(this.op, x, this.dims);
    const channels = channelsOf(t, this.dims);
    if (channels !== this.inChannels) {
      const spatial = SPATIAL[this.dims];
      throw new ShapeError(
        `${this.label()}: expects ${this.inChannels} input channels, got x.shape=${formatShape(t.shape)} ` +
          `(the channels are dim 1 of [N, C, ${spatial}], dim 0 of [C, ${spatial}])`,
      );
    }
    const own = this.weight.value.dtype;
    if ((t.dtype === 'float32' || t.dtype === 'float64') && t.dtype !== own) {
      // As PyTorch, a convolution does not promote: name both ways to make the dtypes agree.
      throw new DTypeError(
        `${this.label()}: the weight is ${own} but x is ${t.dtype} — convert the input (x.to('${own}')) ` +
          `or the layer (layer.to('${t.dtype}'))`,
      );
    }
    return this.convolve(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  /** The functional op: conv1d or conv2d. @internal */
  protected abstract convolve(
    x: VariableLike,
    weight: Parameter,
    bias: Parameter | null,
    call: ConvCall,
  ): Variable;
}

/** A conv padding: 'same', 'valid', or a non-negative size per spatial dim. */
function paddingArg(op: string, value: unknown, dims: 1 | 2): number[] | 'same' | 'valid' {
  if (value === 'same' || value === 'valid') return value;
  if (typeof value === 'string') {
    const pair = dims === 1 ? '[n]' : 'a pair [h, w]';
    throw new ValueError(
      `${op}: padding must be 'same', 'valid', a non-negative integer or ${pair} — got ${formatValue(value)}`,
    );
  }
  return tupleArg(op, 'padding', value, dims, 0);
}
