import { checkOptionsObject, type Tensor } from '@mtl/tensor';
import { OptimError } from '../OptimError';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../Optimizer';
import type { ParameterLike } from '../ParameterLike';
import { kernelStateBuffers, pData, stateBuffer } from '../stateBuffer';
import type { FloatArray } from '../updates/FloatArray';
import { kernelTakes, sgdMomentumKernel } from '../updates/kernelUpdates';
import { type SgdHyper, sgdUpdate } from '../updates/sgdUpdate';
import { isBoolean, nonNegative } from '../validate';

const MOMENTUM = ['momentumBuffer'];

/** SGD's hyperparameters: those of its update function. */
export type SGDOptions = SgdHyper;

const DEFAULTS: Omit<SGDOptions, 'lr'> = {
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/** Stochastic gradient descent with optional momentum, as `torch.optim.SGD`. `lr` is required. */
export class SGD extends Optimizer<SGDOptions> {
  protected readonly stateKeys = ['momentumBuffer'];

  constructor(
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<SGDOptions>>,
    options: Partial<SGDOptions> & { lr: number },
    name = 'SGD',
    defaults: Omit<SGDOptions, 'lr'> = DEFAULTS,
  ) {
    const given = checkOptionsObject(name, options, ['lr', ...Object.keys(defaults)], {
      example: '{ lr: 0.01 }',
      ErrorType: OptimError,
    });
    if (given.lr === undefined) {
      throw new OptimError(`${name}: lr is required (e.g. new ${name}(params, { lr: 0.01 }))`);
    }
    super(name, params, { lr: given.lr as number, ...defaults }, options);
  }

  protected validate(o: SGDOptions): void {
    nonNegative(this.name, 'lr', o.lr);
    nonNegative(this.name, 'momentum', o.momentum);
    nonNegative(this.name, 'dampening', o.dampening);
    nonNegative(this.name, 'weightDecay', o.weightDecay);
    isBoolean(this.name, 'nesterov', o.nesterov);
    isBoolean(this.name, 'maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new OptimError(
        `${this.name}: nesterov needs momentum > 0 and dampening = 0, got momentum=${o.momentum}, dampening=${o.dampening}`,
      );
    }
  }

  protected update(
    param: ParameterLike,
    grad: Tensor,
    group: ParamGroup<SGDOptions>,
    state: ParamState,
  ): void {
    const first = state.momentumBuffer === undefined;
    if (
      group.momentum !== 0 &&
      !group.nesterov &&
      param.value.dtype === 'float32' &&
      kernelTakes(group.weightDecay)
    ) {
      // The kernel's first step is buf = 0·buf + d; a buffer of −0 makes that exactly d (−0 + x = x
      // for every x, −0 included), as the TypeScript path's buf = d.
      const buffers = kernelStateBuffers(state, MOMENTUM, param, -0);
      if (
        buffers !== undefined &&
        sgdMomentumKernel(pData(param), grad.data as Float32Array, buffers[0]!, first, group)
      ) {
        return;
      }
    }
    const buf = group.momentum !== 0 ? stateBuffer(state, 'momentumBuffer', param) : null;
    sgdUpdate(param.value.data as FloatArray, grad.data as FloatArray, buf, first, group);
  }
}

/** SGD with momentum (default 0.9) under its own name; otherwise the same as SGD. */
export class Momentum extends SGD {
  constructor(
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<SGDOptions>>,
    options: Partial<SGDOptions> & { lr: number },
  ) {
    super(params, options, 'Momentum', { ...DEFAULTS, momentum: 0.9 });
  }
}
