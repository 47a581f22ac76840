import {
  checkBoolean,
  checkOptions,
  formatShape,
  formatValue,
  optionKeys,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
  zerosLike,
} from '@mtl/tensor';

import { AutogradError } from './AutogradError';

import { runBatchedBackward } from './batchedBackward';
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
  /**
   * Treat the first axis of every `gradOutputs` tensor as a batch of T gradients ([T, ...output
   * shape]) and return T gradients per input ([T, ...input shape]), row i being what row i of
   * the seeds gives — PyTorch's `is_grads_batched`, in one walk of the graph. Per-task gradients
   * of T losses: seed loss i with a one-hot row i. Default false.
   */
  isGradsBatched?: boolean;
}

const GRAD_OPTIONS = optionKeys<GradOptions>({
  gradOutputs: true,
  retainGraph: true,
  allowUnused: true,
  isGradsBatched: true,
});

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
    isGradsBatched = false,
  } = checkOptions('grad', options, GRAD_OPTIONS);
  checkBoolean('grad', 'retainGraph', retainGraph, false);
  checkBoolean('grad', 'allowUnused', allowUnused, false);
  checkBoolean('grad', 'isGradsBatched', isGradsBatched, false);
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
  const targets = new Set(ins);
  const isTarget = (v: Variable) => targets.has(v);
  let grads: Map<Variable, Tensor>;
  let batch: number | null = null;
  if (isGradsBatched) {
    const seeds = batchedSeeds(outs, gradOutputs);
    batch = seeds[0]!.shape[0]!;
    grads = runBatchedBackward(outs, seeds, isTarget, { retainGraph });
  } else {
    const seeds = outs.map((output, i) => seedFor('grad', output, gradOutputs?.[i] ?? undefined));
    grads = runBackward(outs, seeds, isTarget, { retainGraph });
  }
  return ins.map((input, i) => {
    const g = grads.get(input);
    if (g !== undefined) return g;
    if (!allowUnused) {
      throw new AutogradError(
        `grad: inputs[${i}]${label(input)} was not used to compute the outputs; pass { allowUnused: true } to get zeros for it`,
      );
    }
    const { shape, dtype } = input.value;
    return batch === null ? zerosLike(input.value) : zeros([batch, ...shape], { dtype });
  });
}

/** The seeds of a batched call: every output's, [T, ...output shape] with one T, in its dtype. */
function batchedSeeds(outs: readonly Variable[], gradOutputs: readonly Tensor[] | undefined): Tensor[] {
  if (gradOutputs === undefined || gradOutputs.some((g) => g === undefined || g === null)) {
    throw new AutogradError(
      'grad: isGradsBatched needs gradOutputs, one [T, ...output shape] tensor per output (for per-task gradients of T scalar losses: seed loss i with a [T] tensor that is 1 in row i)',
    );
  }
  const t = gradOutputs[0]!.shape[0];
  return outs.map((output, i) => {
    const g = gradOutputs[i]!;
    const want = output.value.shape;
    if (
      g.rank !== want.length + 1 ||
      g.shape[0] !== t ||
      g.shape.some((d, k) => k > 0 && d !== want[k - 1])
    ) {
      throw new ShapeError(
        `grad: with isGradsBatched, gradOutputs[${i}] must have shape [T, ${want.join(', ')}] (T the same for every output${t === undefined ? '' : `, here ${t}`}) — got ${formatShape(g.shape)}`,
      );
    }
    if (t === 0)
      throw new ShapeError('grad: with isGradsBatched, the batch axis of gradOutputs must not be empty');
    return g.to(output.value.dtype);
  });
}

function label(v: Variable): string {
  return v.name === undefined ? '' : ` (${v.name})`;
}
