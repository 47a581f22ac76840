import type { VariableLike } from '@mtl/autograd';
import { formatShape, formatValue, ShapeError, type Tensor, ValueError } from '@mtl/tensor';
import { tensorOf } from '../validate';

/*
 * The arguments of the convolution, pooling and upsampling layers: sizes given as a number or
 * one value per spatial dim (PyTorch's `_single` / `_pair`), checked at construction so a bad
 * layer fails where it is built rather than at its first forward, and the input-rank check every
 * such layer runs first in forward.
 */

/** The spatial dims' names, for messages: [L] or [H, W]. */
export const SPATIAL = { 1: 'L', 2: 'H, W' } as const;

/**
 * A size given as a number or one integer per spatial dim (`3` or `[3, 2]`), as a list of `dims`
 * integers >= min: `tupleArg('Conv2d', 'stride', 2, 2, 1)` is [2, 2].
 */
export function tupleArg(op: string, name: string, value: unknown, dims: 1 | 2, min: number): number[] {
  const list = typeof value === 'number' ? Array<unknown>(dims).fill(value) : value;
  if (
    !Array.isArray(list) ||
    list.length !== dims ||
    !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 2 ** 31 - 1)
  ) {
    const what =
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    const form = dims === 1 ? `${what} or [n]` : `${what} or a pair of them [h, w]`;
    throw new ValueError(`${op}: ${name} must be ${form} — got ${formatValue(value)}`);
  }
  return list.map((v) => (Object.is(v, -0) ? 0 : (v as number)));
}

/** `3` for [3, 3], `[3,2]` otherwise: a size as the user would most likely have written it. */
export function formatTuple(t: readonly number[]): string {
  return t.every((v) => v === t[0]) ? String(t[0]) : formatShape(t);
}

/**
 * Requires x (a Variable or a Tensor) to be unbatched [C, …spatial] or batched [N, C, …spatial]
 * with `dims` spatial dims, and returns its tensor. `layer` names the layer in the message.
 */
export function requireSpatialInput(layer: string, x: VariableLike, dims: 1 | 2): Tensor {
  const t = tensorOf(layer, 'x', x);
  if (t.rank !== dims + 1 && t.rank !== dims + 2) {
    throw new ShapeError(
      `${layer}: expected a ${dims + 1}-d [C, ${SPATIAL[dims]}] or ${dims + 2}-d [N, C, ${SPATIAL[dims]}] input, ` +
        `got x.shape=${formatShape(t.shape)}`,
    );
  }
  return t;
}

/** The channel count of an input that passed {@link requireSpatialInput}. */
export function channelsOf(t: Tensor, dims: 1 | 2): number {
  return t.shape[t.rank === dims + 2 ? 1 : 0]!;
}
