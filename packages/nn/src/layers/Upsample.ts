import { interpolate, type Variable, type VariableLike } from '@mtl/autograd';
import {
  checkBoolean,
  checkChoice,
  checkOptions,
  formatShape,
  formatValue,
  optionKeys,
  ShapeError,
  ValueError,
} from '@mtl/tensor';
import { Module } from '../Module';
import { tensorOf } from '../validate';

/** How `Upsample` fills the new positions. */
export type UpsampleMode = 'nearest' | 'linear' | 'bilinear';

export interface UpsampleOptions {
  /** The output's spatial size: a number for every spatial dim, or one per dim. */
  size?: number | readonly number[];
  /** The output's size relative to the input's (floor(in · scaleFactor)): a number, or one per dim. */
  scaleFactor?: number | readonly number[];
  /** `'nearest'` (the default; 3-d or 4-d inputs), `'linear'` (3-d) or `'bilinear'` (4-d). */
  mode?: UpsampleMode;
  /** Align the corner pixels of input and output (linear and bilinear only). Default false. */
  alignCorners?: boolean;
}

const UPSAMPLE_OPTIONS = optionKeys<UpsampleOptions>({
  size: true,
  scaleFactor: true,
  mode: true,
  alignCorners: true,
});

const MODES: readonly UpsampleMode[] = ['nearest', 'linear', 'bilinear'];
/** The input ranks each mode takes: [N, C, L] and/or [N, C, H, W]. */
const RANKS: Record<UpsampleMode, readonly number[]> = { nearest: [3, 4], linear: [3], bilinear: [4] };

/**
 * Upsamples [N, C, L] or [N, C, H, W] inputs to a `size` or by a `scaleFactor`, as
 * `torch.nn.Upsample` (that is, `interpolate`): exactly one of the two, `mode` 'nearest',
 * 'linear' or 'bilinear'. Inputs must be batched, as in PyTorch. No parameters.
 *
 * @example
 * const up = new Upsample({ scaleFactor: 2, mode: 'bilinear' }); // [N, C, 8, 8] → [N, C, 16, 16]
 */
export class Upsample extends Module {
  readonly size: number | number[] | undefined;
  readonly scaleFactor: number | number[] | undefined;
  readonly mode: UpsampleMode;
  readonly alignCorners: boolean | undefined;

  constructor(options: UpsampleOptions = {}) {
    super();
    const op = 'Upsample';
    const { size, scaleFactor, mode, alignCorners } = checkOptions(op, options, UPSAMPLE_OPTIONS);
    this.mode = checkChoice(op, 'mode', mode, MODES, 'nearest');
    if ((size === undefined) === (scaleFactor === undefined)) {
      throw new ValueError(
        `${op}: give exactly one of size and scaleFactor — got ${size === undefined ? 'neither' : 'both'}`,
      );
    }
    const most = this.mode === 'nearest' ? 2 : RANKS[this.mode][0]! - 2;
    this.size = size === undefined ? undefined : listArg(op, 'size', size, most, true);
    this.scaleFactor =
      scaleFactor === undefined ? undefined : listArg(op, 'scaleFactor', scaleFactor, most, false);
    if (alignCorners !== undefined && this.mode === 'nearest') {
      // As PyTorch: nearest has no corners to align, so even alignCorners: false is refused.
      throw new ValueError(
        `${op}: alignCorners can only be set with mode 'linear' or 'bilinear', not 'nearest'`,
      );
    }
    this.alignCorners =
      alignCorners === undefined ? undefined : checkBoolean(op, 'alignCorners', alignCorners, false);
  }

  forward(x: VariableLike): Variable {
    const t = tensorOf('Upsample', 'x', x);
    const ranks = RANKS[this.mode];
    if (!ranks.includes(t.rank)) {
      const want = ranks.map((r) => (r === 3 ? '3-d [N, C, L]' : '4-d [N, C, H, W]')).join(' or ');
      throw new ShapeError(
        `Upsample: mode '${this.mode}' expects a ${want} input, got x.shape=${formatShape(t.shape)}` +
          (t.rank === ranks[0]! - 1 ? ' (add the batch dim with x.unsqueeze(0))' : ''),
      );
    }
    const given = this.size ?? this.scaleFactor!;
    if (Array.isArray(given) && given.length !== t.rank - 2) {
      throw new ShapeError(
        `Upsample: ${this.size !== undefined ? 'size' : 'scaleFactor'}=${formatShape(given)} gives ${given.length} ` +
          `spatial dims, x.shape=${formatShape(t.shape)} has ${t.rank - 2}`,
      );
    }
    return interpolate(x, {
      ...(this.size !== undefined ? { size: this.size } : { scaleFactor: this.scaleFactor }),
      mode: this.mode,
      ...(this.alignCorners !== undefined ? { alignCorners: this.alignCorners } : {}),
    });
  }
}

/** A positive number (an integer for a size), or a list of 1 to `most` of them. */
function listArg(
  op: string,
  name: string,
  value: unknown,
  most: number,
  integer: boolean,
): number | number[] {
  const ok = (v: unknown) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v > 0 &&
    (!integer || (Number.isInteger(v) && v <= 2 ** 31 - 1));
  if (ok(value)) return value as number;
  if (Array.isArray(value) && value.length >= 1 && value.length <= most && value.every(ok)) return [...value];
  const one = integer ? 'a positive integer' : 'a positive number';
  const list = most === 1 ? '[n]' : 'a list of one per spatial dim';
  throw new ValueError(`${op}: ${name} must be ${one} or ${list} — got ${formatValue(value)}`);
}
