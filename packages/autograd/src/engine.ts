import { formatShape, ones, openBufferScope, ShapeError, sameShape, type Tensor } from '@mtl/tensor';
import { AutogradError } from './AutogradError';
import { Gradients } from './Gradients';
import { rules } from './rules/index';
import { unbroadcast } from './unbroadcast';
import type { Variable } from './Variable';

export interface BackwardOptions {
  /** Keep the graph (and its saved tensors) for another backward pass. Default false. */
  retainGraph?: boolean;
}

/**
 * Runs the backward pass from `roots` (seeded with `seeds`) and returns the gradient reaching
 * each variable in `targets` (undefined where none does). Only the part of the graph between
 * the roots and the targets is walked; it is freed afterwards unless `retainGraph`.
 *
 * The walk is iterative (no recursion), so graphs of any depth work.
 */
export function runBackward(
  roots: readonly Variable[],
  seeds: readonly Tensor[],
  isTarget: (v: Variable) => boolean,
  { retainGraph = false }: BackwardOptions = {},
): Map<Variable, Tensor> {
  const { order, leads } = topologicalOrder(roots, isTarget);
  const grads = new Gradients(openBufferScope());
  try {
    roots.forEach((root, i) => {
      grads.accumulate(root, seeds[i]!);
    });
    const ran = [];
    for (let i = order.length - 1; i >= 0; i--) {
      const variable = order[i]!;
      const node = variable.node;
      const grad = grads.get(variable);
      if (node === null || grad === undefined) continue;
      // The gradient is final here, and the rule may pass it on to the inputs as it is (even to
      // one input twice): from now on it is not ours to add into.
      grads.seal(grad);
      const inputs = node.inputs;
      const needsGrad = new Array<boolean>(inputs.length);
      let any = false;
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k]!;
        needsGrad[k] = input !== null && leads.has(input);
        any ||= needsGrad[k]!;
      }
      // A target whose inputs lead to no other target: its own rule need not run.
      if (any) {
        const saved = node.saved!;
        const inputGrads = rules[node.primitive].backward(grad, {
          inputs: saved.inputs,
          output: saved.output,
          params: saved.params,
          needsGrad,
        } as never);
        for (let k = 0; k < inputs.length; k++) {
          const input = inputs[k]!;
          const g = inputGrads[k];
          if (input === null || !needsGrad[k] || g === null || g === undefined) continue;
          grads.accumulate(input, fitTo(g, input, node.primitive));
        }
        ran.push(node);
      }
      if (!isTarget(variable)) grads.drop(variable);
    }
    if (!retainGraph) for (const node of ran) node.release();
    return grads.held;
  } finally {
    grads.scope.close();
  }
}

/**
 * The variables reachable from the roots that lead to a target, inputs before the ops that use
 * them (an iterative depth-first post-order), and the same set for quick membership tests.
 */
export function topologicalOrder(
  roots: readonly Variable[],
  isTarget: (v: Variable) => boolean,
): { order: Variable[]; leads: Set<Variable> } {
  const order: Variable[] = [];
  const state = new Map<Variable, 'open' | 'done'>();
  const leads = new Set<Variable>();
  for (const root of roots) {
    const stack: Variable[] = [root];
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      const seen = state.get(v);
      if (seen === 'done') {
        stack.pop();
        continue;
      }
      if (seen === undefined) {
        if (v.node?.released) throw freedGraphError(v.node.primitive);
        state.set(v, 'open');
        for (const input of v.node?.inputs ?? []) {
          if (input?.requiresGrad && !state.has(input)) stack.push(input);
        }
        continue;
      }
      stack.pop();
      state.set(v, 'done');
      if (isTarget(v) || (v.node?.inputs ?? []).some((input) => input !== null && leads.has(input))) {
        leads.add(v);
        order.push(v);
      }
    }
  }
  return { order, leads };
}

/** Sums a broadcast gradient back to the input's shape and gives it the input's dtype. */
export function fitTo(g: Tensor, input: Variable, primitive: string): Tensor {
  const shape = input.value.shape;
  let fitted = g;
  if (!sameShape(g.shape, shape)) {
    try {
      fitted = unbroadcast(g, shape);
    } catch {
      throw new ShapeError(
        `backward: the ${primitive} rule returned a gradient of shape ${formatShape(g.shape)} for an input of shape ${formatShape(shape)}`,
      );
    }
  }
  return fitted.dtype === input.value.dtype ? fitted : fitted.to(input.value.dtype);
}

/** The seed for backward() on `root`: 1 for a scalar; otherwise the caller must give one. */
export function seedFor(op: string, root: Variable, grad: Tensor | undefined): Tensor {
  if (grad !== undefined) {
    if (!sameShape(grad.shape, root.value.shape)) {
      throw new ShapeError(
        `${op}: the gradient has shape ${formatShape(grad.shape)} but the output has shape ${formatShape(root.value.shape)}`,
      );
    }
    return grad.to(root.value.dtype);
  }
  if (root.value.size !== 1) {
    throw new AutogradError(
      `${op}: the output has shape ${formatShape(root.value.shape)}; backward() needs a scalar, or an explicit ` +
        'gradient of the same shape (e.g. out.backward(onesLike(out.value)), or backward on out.sum())',
    );
  }
  return ones(root.value.shape, { dtype: root.value.dtype });
}

function freedGraphError(primitive: string): AutogradError {
  return new AutogradError(
    `backward: trying to go through the graph a second time, at a ${primitive} op: an earlier backward() or ` +
      'grad() freed it. Pass { retainGraph: true } to the earlier call to keep the graph for another pass',
  );
}
