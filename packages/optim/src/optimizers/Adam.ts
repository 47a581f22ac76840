import type { Tensor } from '@mtl/tensor';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../Optimizer';
import type { ParameterLike } from '../ParameterLike';
import { kernelStateBuffers, nextStep, pData, stateBuffer } from '../stateBuffer';
import { type AdamHyper, adamUpdate } from '../updates/adamUpdate';
import type { FloatArray } from '../updates/FloatArray';
import { adamKernel, kernelTakes } from '../updates/kernelUpdates';
import { betasPair, isBoolean, nonNegative } from '../validate';

const MOMENTS = ['expAvg', 'expAvgSq'];

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/**
 * Adam, as `torch.optim.Adam`: bias-corrected moments, ε added after bias-correcting the second
 * moment, L2 `weightDecay` added to the gradient, optional AMSGrad.
 */
export class Adam extends Optimizer<AdamOptions> {
  protected readonly stateKeys = ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq'];

  constructor(
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<AdamOptions>>,
    options: Partial<AdamOptions> = {},
    name = 'Adam',
    defaults: AdamOptions = ADAM_DEFAULTS,
  ) {
    super(name, params, defaults, options);
  }

  protected validate(o: AdamOptions): void {
    nonNegative(this.name, 'lr', o.lr);
    betasPair(this.name, o.betas);
    nonNegative(this.name, 'eps', o.eps);
    nonNegative(this.name, 'weightDecay', o.weightDecay);
    isBoolean(this.name, 'amsgrad', o.amsgrad);
    isBoolean(this.name, 'maximize', o.maximize);
  }

  protected update(
    param: ParameterLike,
    grad: Tensor,
    group: ParamGroup<AdamOptions>,
    state: ParamState,
  ): void {
    const step = nextStep(state);
    // One scratch object, refilled per parameter: the TypeScript step allocates nothing.
    const h = this.hyper;
    h.lr = group.lr;
    h.beta1 = group.betas[0];
    h.beta2 = group.betas[1];
    h.eps = group.eps;
    h.weightDecay = group.weightDecay;
    h.amsgrad = group.amsgrad;
    h.maximize = group.maximize;
    h.decoupled = this.isDecoupled();
    h.step = step;
    if (
      !group.amsgrad &&
      param.value.dtype === 'float32' &&
      kernelTakes(h.decoupled ? 0 : group.weightDecay)
    ) {
      const buffers = kernelStateBuffers(state, MOMENTS, param);
      if (
        buffers !== undefined &&
        adamKernel(pData(param), grad.data as Float32Array, buffers[0]!, buffers[1]!, h)
      ) {
        return;
      }
    }
    const m = stateBuffer(state, 'expAvg', param);
    const v = stateBuffer(state, 'expAvgSq', param);
    const vMax = group.amsgrad ? stateBuffer(state, 'maxExpAvgSq', param) : null;
    adamUpdate(param.value.data as FloatArray, grad.data as FloatArray, m, v, vMax, h);
  }

  private readonly hyper: AdamHyper = {
    lr: 0,
    beta1: 0,
    beta2: 0,
    eps: 0,
    weightDecay: 0,
    amsgrad: false,
    maximize: false,
    decoupled: false,
    step: 0,
  };

  /** AdamW decays the weights directly instead of through the gradient. */
  protected isDecoupled(): boolean {
    return false;
  }
}

/** Adam with decoupled weight decay (default 1e-2), as `torch.optim.AdamW`. */
export class AdamW extends Adam {
  constructor(
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<AdamOptions>>,
    options: Partial<AdamOptions> = {},
  ) {
    super(params, options, 'AdamW', { ...ADAM_DEFAULTS, weightDecay: 1e-2 });
  }

  protected override isDecoupled(): boolean {
    return true;
  }
}
