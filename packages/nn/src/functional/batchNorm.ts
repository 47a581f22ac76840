import { add, mean, mul, reshape, rsqrt, sub, type Variable, type VariableLike } from '@mtl/autograd';

import {
  checkBoolean,
  checkNumber,
  checkOptions,
  formatShape,
  formatValue,
  optionKeys,
  ShapeError,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

import { requireFloat, tensorOf } from '../losses/validate';

import { requireTensor } from '../validate';

export interface BatchNormOptions {
  /** A per-channel scale, shape [C] (differentiable when a Variable). */
  weight?: VariableLike;
  /** A per-channel shift, shape [C] (differentiable when a Variable). */
  bias?: VariableLike;
  /** Normalise with the batch's statistics (and update the running ones). Default false. */
  training?: boolean;
  /** The weight of the newest batch in the running statistics. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

const BATCH_NORM_OPTIONS = optionKeys<BatchNormOptions>({
  weight: true,
  bias: true,
  training: true,
  momentum: true,
  eps: true,
});

/**
 * Batch normalisation over the channel dim 1 of an (N, C) or (N, C, L, …) input, as
 * `torch.nn.functional.batch_norm`.
 *
 * - `training: true`: normalises with the batch's mean and biased variance per channel
 *   (differentiably), and — when running statistics are given — updates them in place as PyTorch
 *   does: running = (1 − momentum)·running + momentum·batch, with the *unbiased* batch variance.
 *   Each channel needs more than one value.
 * - `training: false` (the default): normalises with `runningMean` and `runningVar`.
 *
 * Then scales by `weight` and shifts by `bias` when given.
 */
export function batchNorm(
  x: VariableLike,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: BatchNormOptions = {},
): Variable {
  const op = 'batchNorm';
  const {
    weight,
    bias,
    training = false,
    momentum = 0.1,
    eps = 1e-5,
  } = checkOptions(op, options, BATCH_NORM_OPTIONS);
  checkBoolean(op, 'training', training, false);
  const t = tensorOf(op, 'x', x);
  requireFloat(op, 'x', t);
  checkNumber(op, 'eps', eps, { min: 0 });
  if (!(typeof momentum === 'number' && Number.isFinite(momentum))) {
    throw new ValueError(`${op}: momentum must be a finite number, got ${formatValue(momentum)}`);
  }
  if (t.rank < 2) {
    throw new ShapeError(`${op}: x must be (N, C) or (N, C, L, …) — x.shape=${formatShape(t.shape)}`);
  }
  const channels = t.shape[1]!;
  const checkChannels = (name: string, v: Tensor) => {
    if (v.rank !== 1 || v.size !== channels) {
      throw new ShapeError(
        `${op}: ${name} must hold one value per channel — ${name}.shape=${formatShape(v.shape)}, ` +
          `x.shape=${formatShape(t.shape)} (expected [${channels}])`,
      );
    }
  };
  if (runningMean !== null) requireTensor(op, 'runningMean', runningMean);
  if (runningVar !== null) requireTensor(op, 'runningVar', runningVar);
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ValueError(`${op}: give both runningMean and runningVar, or neither`);
  }
  if (runningMean !== null && runningVar !== null) {
    for (const [name, v] of [
      ['runningMean', runningMean],
      ['runningVar', runningVar],
    ] as const) {
      checkChannels(name, tensorOf(op, name, v));
      requireFloat(op, name, v);
    }
  }
  if (weight !== undefined) checkChannels('weight', tensorOf(op, 'weight', weight));
  if (bias !== undefined) checkChannels('bias', tensorOf(op, 'bias', bias));

  const view = t.shape.map((s, d) => (d === 1 ? s : 1));
  let normalised: Variable;
  if (training) {
    const dims = t.shape.map((_, d) => d).filter((d) => d !== 1);
    const count = t.size / channels;
    if (count <= 1) {
      throw new ValueError(
        `${op}: expected more than 1 value per channel when training — x.shape=${formatShape(t.shape)} ` +
          `(use a larger batch, or training: false)`,
      );
    }
    const batchMean = mean(x, dims, { keepDim: true });
    const centred = sub(x, batchMean);
    const batchVar = mean(mul(centred, centred), dims, { keepDim: true });
    normalised = mul(centred, rsqrt(add(batchVar, eps)));
    if (runningMean !== null && runningVar !== null) {
      updateRunning(runningMean, batchMean.value, momentum, 1);
      updateRunning(runningVar, batchVar.value, momentum, count / (count - 1));
    }
  } else {
    if (runningMean === null || runningVar === null) {
      throw new ValueError(
        `${op}: running statistics are needed when not training — runningMean and runningVar are null ` +
          `(pass them, or training: true to use the batch's statistics)`,
      );
    }
    const m = runningMean.to(t.dtype).reshape(view);
    const invStd = runningVar.to(t.dtype).add(eps).rsqrt().reshape(view);
    normalised = mul(sub(x, m), invStd);
  }
  if (weight !== undefined) normalised = mul(normalised, reshape(weight, view));
  if (bias !== undefined) normalised = add(normalised, reshape(bias, view));
  return normalised;
}

/** running ← (1 − momentum)·running + momentum·scale·batch, in place (the buffer keeps its dtype). */
function updateRunning(running: Tensor, batch: Tensor, momentum: number, scale: number): void {
  const data = running.data;
  for (let c = 0; c < data.length; c++) {
    data[c] = momentum * scale * batch.data[c]! + (1 - momentum) * data[c]!;
  }
}
