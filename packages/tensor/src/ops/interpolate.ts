import { checkBoolean, checkChoice, checkNumber, checkOptions, optionKeys } from '../checks';
import { formatShape, formatValue, ShapeError, ValueError } from '../errors';
import type { FloatArray } from '../kernels/im2col';
import { axisTable, resample } from '../kernels/interpolate';
import { Tensor } from '../Tensor';
import { allocateChecked, requireTensor } from '../validate';
import { requireFloatInput, requireGradOutput, spatialValues } from './window';

/** How {@link interpolate} samples: nearest neighbour, or linear along each spatial dim. */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

/** Options of {@link interpolate} (as `torch.nn.functional.interpolate`). */
export interface InterpolateOptions {
  /** The output's spatial size: a number for every spatial dim, or one per dim. */
  size?: number | number[];
  /** Or a factor per spatial dim (a number for all): output size ⌊in·factor⌋. */
  scaleFactor?: number | number[];
  /** `'nearest'` (default; 3-d or 4-d x), `'linear'` (3-d x) or `'bilinear'` (4-d x). */
  mode?: InterpolateMode;
  /**
   * Linear modes: map the corner pixels' centres onto each other (true) or the corners of the
   * pixel grid (false, the default). Not allowed with `'nearest'`.
   */
  alignCorners?: boolean;
}

const INTERPOLATE_OPTIONS = optionKeys<InterpolateOptions>({
  size: true,
  scaleFactor: true,
  mode: true,
  alignCorners: true,
});
const MODES: readonly InterpolateMode[] = ['nearest', 'linear', 'bilinear'];

/**
 * Resizes the spatial dims of x [N, C, L] or [N, C, H, W] (`torch.nn.functional.interpolate`
 * with `recompute_scale_factor` unset): give exactly one of `size` and `scaleFactor`.
 *
 * @example
 * interpolate(x, { scaleFactor: 2 }); // nearest: [8, 3, 14, 14] → [8, 3, 28, 28]
 * interpolate(x, { size: [32, 32], mode: 'bilinear', alignCorners: false });
 * @throws ShapeError when x is not 3-d or 4-d (or not 4-d for bilinear, 3-d for linear); ValueError
 *   for a missing or doubled size/scaleFactor, sizes below 1 or alignCorners with nearest
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const p = interpolatePlan('interpolate', x, options);
  const out = allocateChecked('interpolate', x.dtype, p.shape) as FloatArray;
  resample(x.data as FloatArray, p.planes, p.height, p.width, p.rows, p.cols, out, p.nearest, false);
  return new Tensor(out, p.shape, x.dtype);
}

/** The gradient of {@link interpolate} w.r.t. x (same options), of x's shape. */
export function interpolateBackward(gradOutput: Tensor, x: Tensor, options: InterpolateOptions): Tensor {
  const op = 'interpolateBackward';
  const p = interpolatePlan(op, x, options);
  requireGradOutput(op, gradOutput, x, p.shape);
  const dx = allocateChecked(op, x.dtype, x.shape) as FloatArray;
  resample(gradOutput.data as FloatArray, p.planes, p.height, p.width, p.rows, p.cols, dx, p.nearest, true);
  return new Tensor(dx, x.shape, x.dtype);
}

function interpolatePlan(op: string, x: Tensor, options: InterpolateOptions) {
  requireTensor(op, 'x', x);
  const opts = checkOptions(op, options, INTERPOLATE_OPTIONS);
  requireFloatInput(op, 'x', x);
  const mode = checkChoice(op, 'mode', opts.mode, MODES, 'nearest');
  if (x.rank !== 3 && x.rank !== 4) {
    throw new ShapeError(
      `${op}: x must be [N, C, L] or [N, C, H, W] (batched, as torch) — got x.shape=${formatShape(x.shape)}`,
    );
  }
  const dims = (x.rank - 2) as 1 | 2;
  if ((mode === 'linear' && dims !== 1) || (mode === 'bilinear' && dims !== 2)) {
    throw new ShapeError(
      `${op}: mode '${mode}' needs a ${mode === 'linear' ? '3-d [N, C, L]' : '4-d [N, C, H, W]'} x — got x.shape=${formatShape(x.shape)}${mode === 'linear' ? " (use 'bilinear')" : " (use 'linear')"}`,
    );
  }
  if (mode === 'nearest' && opts.alignCorners !== undefined) {
    throw new ValueError(
      `${op}: alignCorners applies only to 'linear' and 'bilinear' modes — drop it for 'nearest'`,
    );
  }
  const alignCorners = checkBoolean(op, 'alignCorners', opts.alignCorners, false);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
    throw new ValueError(
      `${op}: give exactly one of options.size and options.scaleFactor — got ${formatValue(options)}`,
    );
  }
  const inSizes = x.shape.slice(2);
  let outSizes: number[];
  let factors: (number | undefined)[] = inSizes.map(() => undefined);
  if (opts.size !== undefined) {
    outSizes = spatialValues(op, 'size', opts.size, dims, 1);
    if (dims === 1 && outSizes.length > 1) outSizes = outSizes.slice(0, 1);
  } else {
    const raw = Array.isArray(opts.scaleFactor) ? opts.scaleFactor : inSizes.map(() => opts.scaleFactor);
    if (raw.length !== dims) {
      throw new ValueError(
        `${op}: scaleFactor must be a number or one per spatial dim (${dims}) — got ${formatValue(opts.scaleFactor)}`,
      );
    }
    factors = raw.map((f, i) =>
      checkNumber(op, Array.isArray(opts.scaleFactor) ? `scaleFactor[${i}]` : 'scaleFactor', f, {
        min: 0,
        minExclusive: true,
      }),
    );
    outSizes = inSizes.map((s, i) => Math.floor(s * factors[i]!));
    if (outSizes.some((s) => s < 1)) {
      throw new ValueError(
        `${op}: scaleFactor ${formatValue(opts.scaleFactor)} gives an empty output for x.shape=${formatShape(x.shape)}`,
      );
    }
  }
  const linear = mode !== 'nearest';
  const axis = (i: number) =>
    axisTable(inSizes[i]!, outSizes[i]!, linear ? 'linear' : 'nearest', alignCorners, factors[i]);
  const rows = dims === 2 ? axis(0) : axisTable(1, 1, 'nearest', false, undefined);
  const cols = axis(dims - 1);
  return {
    planes: x.shape[0]! * x.shape[1]!,
    height: dims === 2 ? inSizes[0]! : 1,
    width: inSizes[dims - 1]!,
    rows,
    cols,
    nearest: !linear,
    shape: [x.shape[0]!, x.shape[1]!, ...outSizes],
  };
}
