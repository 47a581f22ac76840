import { Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import {
  checkBoolean,
  checkOptions,
  type DType,
  formatShape,
  ones,
  optionKeys,
  ShapeError,
  ValueError,
  zeros,
} from '@mtl/tensor';
import { groupNorm } from '../functional/groupNorm';
import { Module } from '../Module';
import { requireFinite, requireFloatDType, requireLayerSize, requireSize, tensorOf } from '../validate';

export interface GroupNormLayerOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Learn a per-channel scale (ones) and shift (zeros). Default true. */
  affine?: boolean;
  dtype?: DType;
}

const GROUP_NORM_OPTIONS = optionKeys<GroupNormLayerOptions>({ eps: true, affine: true, dtype: true });

/**
 * Group normalisation over (N, C, …) inputs, as `torch.nn.GroupNorm`: each sample's channels
 * are split into `numGroups` groups, each normalised to zero mean and unit variance, then
 * scaled and shifted per channel by `weight` (ones) and `bias` (zeros). No running statistics:
 * training and eval compute the same thing. State dict: `weight`, `bias`.
 *
 * @example
 * const norm = new GroupNorm(8, 32); // 32 channels in 8 groups of 4
 */
export class GroupNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormLayerOptions = {},
  ) {
    super();
    const op = 'GroupNorm';
    requireSize(op, 'numGroups', numGroups);
    requireSize(op, 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new ValueError(
        `${op}: numChannels must be divisible by numGroups — numChannels=${numChannels}, numGroups=${numGroups}`,
      );
    }
    const { eps = 1e-5, affine = true, dtype = 'float32' } = checkOptions(op, options, GROUP_NORM_OPTIONS);
    requireFinite(op, 'eps', eps, 0);
    checkBoolean(op, 'affine', affine, false);
    requireFloatDType(op, 'dtype', dtype);
    requireLayerSize(op, 'weight', [numChannels]);
    this.eps = eps;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: VariableLike): Variable {
    const t = tensorOf('GroupNorm', 'x', x);
    // Without a weight PyTorch only needs the channels to divide into the groups (groupNorm checks).
    if (this.weight !== null && (t.rank < 2 || t.shape[1] !== this.numChannels)) {
      throw new ShapeError(
        `GroupNorm(${this.numGroups}, ${this.numChannels}): expects an (N, ${this.numChannels}, …) input, ` +
          `got x.shape=${formatShape(t.shape)}`,
      );
    }
    return groupNorm(x, this.numGroups, {
      weight: this.weight ?? undefined,
      bias: this.bias ?? undefined,
      eps: this.eps,
    });
  }
}
