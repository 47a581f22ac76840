import { checkInteger, checkNumber, formatValue } from '@mtl/tensor';
import { OptimError } from '../OptimError';

/*
 * Option checks shared by the schedulers. Every message names the scheduler, the option and the
 * value, e.g. `StepLR: stepSize must be a positive integer — got 0`, because a schedule that is
 * silently wrong costs a whole training run to notice.
 */

export function positiveInteger(op: string, name: string, value: unknown): asserts value is number {
  checkInteger(op, name, value, { min: 1, max: Infinity }, OptimError);
}

export function nonNegativeInteger(op: string, name: string, value: unknown): asserts value is number {
  checkInteger(op, name, value, { min: 0, max: Infinity }, OptimError);
}

/** PyTorch's `last_epoch`: -1 starts a schedule, anything larger resumes one. */
export function lastEpochValue(op: string, value: unknown): number {
  return value === undefined
    ? -1
    : checkInteger(op, 'lastEpoch', value, { min: -1, max: Infinity }, OptimError);
}

export function positiveFinite(op: string, name: string, value: unknown): asserts value is number {
  checkNumber(op, name, value, { min: 0, minExclusive: true }, OptimError);
}

export function nonNegativeFinite(op: string, name: string, value: unknown): asserts value is number {
  checkNumber(op, name, value, { min: 0 }, OptimError);
}

/** `value` in the interval from `lo` to `hi`; `open` excludes the ends it names. */
export function inInterval(
  op: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  open: { lo?: boolean; hi?: boolean } = {},
): asserts value is number {
  checkNumber(
    op,
    name,
    value,
    { min: lo, max: hi, minExclusive: open.lo, maxExclusive: open.hi },
    OptimError,
  );
}

export function oneOf<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): asserts value is T {
  if (!choices.includes(value as T)) {
    throw new OptimError(
      `${op}: ${name} must be ${choices.map((c) => `'${c}'`).join(' or ')}, got ${formatValue(value)}`,
    );
  }
}

export function isBoolean(op: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new OptimError(`${op}: ${name} must be true or false, got ${formatValue(value)}`);
}

/**
 * A hyperparameter given once for all groups or once per group (PyTorch's `_format_param`),
 * returned as one value per group.
 */
export function perGroup(op: string, name: string, value: unknown, groups: number): unknown[] {
  if (!Array.isArray(value)) return new Array<unknown>(groups).fill(value);
  if (value.length !== groups) {
    throw new OptimError(
      `${op}: ${name} has ${value.length} values but the optimizer has ${groups} parameter groups (give one value, or one per group)`,
    );
  }
  return [...value];
}
