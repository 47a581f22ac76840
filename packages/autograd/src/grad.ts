import {
  checkBoolean,
  checkOptions,
  formatValue,
  optionKeys,
  type Tensor,
  ValueError,
  zerosLike,
} from '@mtl/tensor';

import { AutogradError } from './AutogradError';

import { runBackward, seedFor } from './engine';

import type { Variable } from './Variable';
import { requireTensor, requireVariables } from './validate';

export interface GradOptions {
  /** The gradient to seed each output with (required for non-scalar outputs). */
  gradOutputs?: readonly Tensor[];
  /** Keep the graph for another pass. Default false: the walked part of the graph is freed. */
  retainGraph?: boolean;
  /** Return zeros for inputs the outputs do not depend on, instead of throwing. Default false. */
  allowUnused?: boolean;
}

const GRAD_OPTIONS = optionKeys<GradOptions>({ gradOutputs: true, retainGraph: true, allowUnused: true });

/**
 * The gradients of the sum of `outputs` with respect to each of `inputs`, like
 * `torch.autograd.grad`: returned in order, without touching any `.grad`. Per-task gradients in
 * multi-task learning are computed this way (with `retainGraph` for all but the last task).
 */
export function grad(
  outputs: Variable | readonly Variable[],
  inputs: Variable | readonly Variable[],
  options: GradOptions = {},
): Tensor[] {
  const outs = requireVariables('grad', 'outputs', outputs);
  const ins = requireVariables('grad', 'inputs', inputs);
  const {
    gradOutputs,
    retainGraph = false,
    allowUnused = false,
  } = checkOptions('grad', options, GRAD_OPTIONS);
  checkBoolean('grad', 'retainGraph', retainGraph, false);
  checkBoolean('grad', 'allowUnused', allowUnused, false);
  if (gradOutputs !== undefined) {
    if (!Array.isArray(gradOutputs)) {
      throw new ValueError(
        `grad: gradOutputs must be an array of Tensors (one per output), got ${formatValue(gradOutputs)}`,
      );
    }
    if (gradOutputs.length !== outs.length) {
      throw new AutogradError(`grad: got ${gradOutputs.length} gradOutputs for ${outs.length} outputs`);
    }
    gradOutputs.forEach((g, i) => {
      if (g !== undefined && g !== null) requireTensor('grad', `gradOutputs[${i}]`, g);
    });
  }
  ins.forEach((input, i) => {
    if (!input.requiresGrad) {
      throw new AutogradError(
        `grad: inputs[${i}]${label(input)} does not require grad, so it has no gradient`,
      );
    }
  });
  outs.forEach((output, i) => {
    if (!output.requiresGrad) {
      throw new AutogradError(
        `grad: outputs[${i}]${label(output)} does not require grad: it does not depend on any input`,
      );
    }
  });
  const seeds = outs.map((output, i) => seedFor('grad', output, gradOutputs?.[i] ?? undefined));
  const targets = new Set(ins);
  const grads = runBackward(outs, seeds, (v) => targets.has(v), { retainGraph });
  return ins.map((input, i) => {
    const g = grads.get(input);
    if (g !== undefined) return g;
    if (!allowUnused) {
      throw new AutogradError(
        `grad: inputs[${i}]${label(input)} was not used to compute the outputs; pass { allowUnused: true } to get zeros for it`,
      );
    }
    return zerosLike(input.value);
  });
}

function label(v: Variable): string {
  return v.name === undefined ? '' : ` (${v.name})`;
}
