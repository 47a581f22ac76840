import type { Variable } from '@mtl/autograd';
import {
  broadcastShapes,
  checkOptions,
  DTypeError,
  formatShape,
  type OptionKeys,
  ShapeError,
  sameShape,
  type Tensor,
} from '@mtl/tensor';
import { requireTensor, tensorOf } from '../validate';
import { checkReduction, type Reduction } from './reduce';

export { tensorOf };

/*
 * Checks shared by the losses and the functional forms. Every message names the function and
 * the argument and prints shapes with brackets: `mseLoss: … — input.shape=[3,1], target.shape=[3]`.
 */

/** What the losses take: a Variable (differentiable) or a constant Tensor. */
export type LossInput = Variable | Tensor;

/** Requires a float32 or float64 tensor. */
export function requireFloat(op: string, name: string, t: Tensor): void {
  if (t.dtype === 'float32' || t.dtype === 'float64') return;
  throw new DTypeError(
    `${op}: ${name} has dtype ${t.dtype}, expected float32 or float64 — ${name}.shape=${formatShape(t.shape)} ` +
      `(cast first: ${name}.to('float32'))`,
  );
}

/**
 * Requires the target to have the input's shape. PyTorch broadcasts mismatched shapes in some
 * losses with only a warning, which silently turns an [N,1] vs [N] mix-up into an N×N loss.
 */
export function requireSameShape(op: string, input: Tensor, target: Tensor): void {
  if (sameShape(input.shape, target.shape)) return;
  throw new ShapeError(
    `${op}: target.shape must equal input.shape — input.shape=${formatShape(input.shape)}, ` +
      `target.shape=${formatShape(target.shape)} (reshape one of them; losses do not broadcast)`,
  );
}

/** Requires an optional tensor option (a weight) that broadcasts to `shape` without growing it. */
export function requireBroadcastsTo(op: string, name: string, t: unknown, shape: readonly number[]): void {
  requireTensor(op, name, t);
  let ok = t.rank <= shape.length;
  if (ok) {
    try {
      ok = sameShape(broadcastShapes(op, t.shape, shape), shape);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ShapeError(
      `${op}: ${name} must broadcast to input.shape — ${name}.shape=${formatShape(t.shape)}, ` +
        `input.shape=${formatShape(shape)}`,
    );
  }
  requireFloat(op, name, t);
}

/** The options of a loss: undefined, or a plain object holding only the loss's `known` keys. */
export function lossOptions<O extends object>(op: string, options: O | undefined, known: OptionKeys<O>): O {
  return checkOptions(op, options, known);
}

/** `[1,0,2]`: a flat index as a multi-index of `shape`, for messages. */
export function formatIndex(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return `[${index.join(',')}]`;
}

/**
 * The shared front of the elementwise losses (regression and binary): checks the reduction,
 * the dtypes and the shapes, and returns the checked reduction with the input's tensor.
 */
export function checkElementwise(
  op: string,
  input: LossInput,
  target: LossInput,
  reduction: unknown,
): { x: Tensor; reduction: Reduction } {
  const checked = checkReduction<Reduction>(op, reduction);
  const x = tensorOf(op, 'input', input);
  const y = tensorOf(op, 'target', target);
  requireFloat(op, 'input', x);
  requireFloat(op, 'target', y);
  requireSameShape(op, x, y);
  return { x, reduction: checked };
}
