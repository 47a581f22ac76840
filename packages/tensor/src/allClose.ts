import { checkBoolean, checkOptions } from './checks';
import { formatShape, ShapeError } from './errors';
import { broadcastShapes } from './shape';
import type { Tensor } from './Tensor';
import { requireNumber, requireTensor } from './validate';

export interface AllCloseOptions {
  /** Relative tolerance. Default 1e-5, as in PyTorch. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8, as in PyTorch. */
  atol?: number;
  /** Treat NaN as equal to NaN. Default false. */
  equalNan?: boolean;
}

/**
 * True when |a − b| ≤ atol + rtol·|b| everywhere (a and b broadcast), as `torch.allclose`.
 * Infinities must match exactly.
 */
export function allClose(a: Tensor, b: Tensor, options?: AllCloseOptions): boolean {
  requireTensor('allClose', 'a', a);
  requireTensor('allClose', 'b', b);
  const {
    rtol = 1e-5,
    atol = 1e-8,
    equalNan,
  } = checkOptions('allClose', options, ['rtol', 'atol', 'equalNan']);
  requireNumber('allClose', 'rtol', rtol, { min: 0 });
  requireNumber('allClose', 'atol', atol, { min: 0 });
  return (
    worstMismatch(a, b, { rtol, atol, equalNan: checkBoolean('allClose', 'equalNan', equalNan, false) }) ===
    null
  );
}

/** The first element that is not close (by allClose's rule), or null when all are. */
export function worstMismatch(
  a: Tensor,
  b: Tensor,
  { rtol = 1e-5, atol = 1e-8, equalNan = false }: AllCloseOptions = {},
): { index: number; actual: number; expected: number; excess: number } | null {
  let shape: number[];
  try {
    shape = broadcastShapes('allClose', a.shape, b.shape);
  } catch {
    throw new ShapeError(
      `allClose: a.shape=${formatShape(a.shape)} and b.shape=${formatShape(b.shape)} do not broadcast`,
    );
  }
  const x = a.broadcastTo(shape).data;
  const y = b.broadcastTo(shape).data;
  let worst: { index: number; actual: number; expected: number; excess: number } | null = null;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    const v = y[i]!;
    if (u === v) continue;
    let excess: number;
    if (Number.isNaN(u) || Number.isNaN(v))
      excess = equalNan && Number.isNaN(u) && Number.isNaN(v) ? 0 : Number.POSITIVE_INFINITY;
    else if (!Number.isFinite(u) || !Number.isFinite(v)) excess = Number.POSITIVE_INFINITY;
    else excess = Math.abs(u - v) - (atol + rtol * Math.abs(v));
    if (excess > 0 && (worst === null || excess > worst.excess))
      worst = { index: i, actual: u, expected: v, excess };
  }
  return worst;
}
