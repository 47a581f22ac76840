import type { Tensor } from '@mtl/tensor';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../Optimizer';
import type { ParameterLike } from '../ParameterLike';
import { kernelStateBuffers, nextStep, pData, stateBuffer } from '../stateBuffer';
import { type AdagradHyper, adagradUpdate } from '../updates/adagradUpdate';
import type { FloatArray } from '../updates/FloatArray';
import { adagradKernel, kernelTakes } from '../updates/kernelUpdates';
import { isBoolean, nonNegative } from '../validate';

const SUM = ['sum'];

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const DEFAULTS: AdagradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/** Adagrad, as `torch.optim.Adagrad`. */
export class Adagrad extends Optimizer<AdagradOptions> {
  protected readonly stateKeys = ['step', 'sum'];

  constructor(
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<AdagradOptions>>,
    options: Partial<AdagradOptions> = {},
  ) {
    super('Adagrad', params, DEFAULTS, options);
  }

  protected validate(o: AdagradOptions): void {
    nonNegative(this.name, 'lr', o.lr);
    nonNegative(this.name, 'lrDecay', o.lrDecay);
    nonNegative(this.name, 'weightDecay', o.weightDecay);
    nonNegative(this.name, 'initialAccumulatorValue', o.initialAccumulatorValue);
    nonNegative(this.name, 'eps', o.eps);
    isBoolean(this.name, 'maximize', o.maximize);
  }

  protected update(
    param: ParameterLike,
    grad: Tensor,
    group: ParamGroup<AdagradOptions>,
    state: ParamState,
  ): void {
    const step = nextStep(state);
    const h = this.hyper;
    h.lr = group.lr;
    h.lrDecay = group.lrDecay;
    h.weightDecay = group.weightDecay;
    h.eps = group.eps;
    h.maximize = group.maximize;
    h.step = step;
    if (param.value.dtype === 'float32' && kernelTakes(group.weightDecay)) {
      const buffers = kernelStateBuffers(state, SUM, param, group.initialAccumulatorValue);
      if (buffers !== undefined && adagradKernel(pData(param), grad.data as Float32Array, buffers[0]!, h))
        return;
    }
    const sum = stateBuffer(state, 'sum', param, group.initialAccumulatorValue);
    adagradUpdate(param.value.data as FloatArray, grad.data as FloatArray, sum, h);
  }

  /** One scratch object, refilled per parameter: the TypeScript step allocates nothing. */
  private readonly hyper: AdagradHyper = {
    lr: 0,
    lrDecay: 0,
    weightDecay: 0,
    eps: 0,
    maximize: false,
    step: 0,
  };
}
