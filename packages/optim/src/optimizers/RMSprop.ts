import type { Tensor } from '@mtl/tensor';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../Optimizer';
import type { ParameterLike } from '../ParameterLike';
import { kernelStateBuffers, nextStep, pData, stateBuffer } from '../stateBuffer';
import type { FloatArray } from '../updates/FloatArray';
import { kernelTakes, rmspropKernel } from '../updates/kernelUpdates';
import { type RmspropHyper, rmspropUpdate } from '../updates/rmspropUpdate';
import { isBoolean, nonNegative } from '../validate';

const SQUARE = ['squareAvg'];

/** RMSprop's hyperparameters: those of its update function. */
export type RMSpropOptions = RmspropHyper;

const DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/** RMSprop, as `torch.optim.RMSprop`: optionally centered, with optional momentum. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected readonly stateKeys = ['step', 'squareAvg', 'gradAvg', 'momentumBuffer'];

  constructor(
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<RMSpropOptions>>,
    options: Partial<RMSpropOptions> = {},
  ) {
    super('RMSprop', params, DEFAULTS, options);
  }

  protected validate(o: RMSpropOptions): void {
    nonNegative(this.name, 'lr', o.lr);
    nonNegative(this.name, 'alpha', o.alpha);
    nonNegative(this.name, 'eps', o.eps);
    nonNegative(this.name, 'weightDecay', o.weightDecay);
    nonNegative(this.name, 'momentum', o.momentum);
    isBoolean(this.name, 'centered', o.centered);
    isBoolean(this.name, 'maximize', o.maximize);
  }

  protected update(
    param: ParameterLike,
    grad: Tensor,
    group: ParamGroup<RMSpropOptions>,
    state: ParamState,
  ): void {
    nextStep(state);
    if (
      !group.centered &&
      group.momentum === 0 &&
      param.value.dtype === 'float32' &&
      kernelTakes(group.weightDecay)
    ) {
      const buffers = kernelStateBuffers(state, SQUARE, param);
      if (buffers !== undefined && rmspropKernel(pData(param), grad.data as Float32Array, buffers[0]!, group))
        return;
    }
    const square = stateBuffer(state, 'squareAvg', param);
    const gAvg = group.centered ? stateBuffer(state, 'gradAvg', param) : null;
    const buf = group.momentum > 0 ? stateBuffer(state, 'momentumBuffer', param) : null;
    rmspropUpdate(param.value.data as FloatArray, grad.data as FloatArray, square, gAvg, buf, group);
  }
}
