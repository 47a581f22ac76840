import {
  checkOptions,
  formatValue,
  Generator,
  optionKeys,
  randn,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

import { grad } from './grad';

import { mul } from './ops/elementwise';

import { sum } from './ops/reductions';

import { Variable } from './Variable';

import { requireFunction, requireInteger, requireNumber, requireTensor } from './validate';

export interface CheckGradOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-7. */
  atol?: number;
  /** Seed of the random projection applied to non-scalar outputs. Default 0. */
  seed?: number;
}

const CHECK_GRAD_OPTIONS = optionKeys<CheckGradOptions>({ eps: true, rtol: true, atol: true, seed: true });

export interface CheckGradResult {
  ok: boolean;
  /** The element that is furthest out of tolerance (or closest to it, when all pass). */
  worst: { input: number; index: number; analytic: number; numeric: number; error: number };
  /** A one-line summary naming the worst element. */
  message: string;
}

/**
 * Compares the analytic gradient of `fn` (from backward) with central finite differences, in
 * float64, like `torch.autograd.gradcheck`. A non-scalar output is projected on a fixed random
 * tensor R, so what is checked is the gradient of sum(fn(...) · R), a full vector-Jacobian product.
 */
export function checkGrad(
  fn: (...inputs: Variable[]) => Variable,
  inputs: readonly Tensor[],
  options: CheckGradOptions = {},
): CheckGradResult {
  const op = 'checkGrad';
  requireFunction(op, 'fn', fn);
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ValueError(`${op}: inputs must be a non-empty array of Tensors, got ${formatValue(inputs)}`);
  }
  inputs.forEach((t, i) => {
    requireTensor(op, `inputs[${i}]`, t);
  });
  const { eps = 1e-6, rtol = 1e-5, atol = 1e-7, seed = 0 } = checkOptions(op, options, CHECK_GRAD_OPTIONS);
  for (const [name, v] of [
    ['eps', eps],
    ['rtol', rtol],
    ['atol', atol],
  ] as const) {
    requireNumber(op, name, v);
    if (v < 0 || (name === 'eps' && v === 0)) {
      throw new ValueError(
        `${op}: ${name} must be ${name === 'eps' ? 'positive' : 'non-negative'}, got ${v}`,
      );
    }
  }
  requireInteger(op, 'seed', seed);
  const values = inputs.map((t) => t.to('float64').clone());
  const probe = fn(...values.map((v) => new Variable(v)));
  if (!(probe instanceof Variable)) {
    throw new ValueError(`${op}: fn must return a Variable, got ${formatValue(probe)}`);
  }
  const r = randn(probe.shape as number[], { dtype: 'float64', generator: new Generator(seed) });
  const objective = (vs: Tensor[]): number => sum(mul(fn(...vs.map((v) => new Variable(v))), r)).item();

  const leaves = values.map((v) => new Variable(v, { requiresGrad: true }));
  const analytic = grad(sum(mul(fn(...leaves), r)), leaves, { allowUnused: true });

  let worst = { input: 0, index: 0, analytic: 0, numeric: 0, error: Number.NEGATIVE_INFINITY };
  values.forEach((value, i) => {
    const data = value.data;
    for (let k = 0; k < data.length; k++) {
      const original = data[k]!;
      data[k] = original + eps;
      const up = objective(values);
      data[k] = original - eps;
      const down = objective(values);
      data[k] = original;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[i]!.data[k]!;
      const error = Math.abs(a - numeric) - (atol + rtol * Math.abs(numeric));
      if (error > worst.error || Number.isNaN(error))
        worst = { input: i, index: k, analytic: a, numeric, error };
      if (Number.isNaN(error)) break;
    }
  });
  const ok = !(worst.error > 0) && !Number.isNaN(worst.error);
  const message =
    `checkGrad: ${ok ? 'ok' : 'mismatch'} — worst at input ${worst.input}, element ${worst.index}: ` +
    `analytic ${worst.analytic}, numeric ${worst.numeric}`;
  return { ok, worst, message };
}
