import { OptimError } from '../OptimError';
import { isPlainObject, show } from '../validate';

export { show };

/*
 * Option checks shared by the schedulers. Every message names the scheduler, the option and the
 * value, e.g. `StepLR: stepSize must be a positive integer, got 0`, because a schedule that is
 * silently wrong costs a whole training run to notice.
 */

/** Rejects option names the scheduler does not have: a typo (`step_size`) would otherwise be ignored. */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (!isPlainObject(options)) {
    throw new OptimError(`${op}: expected an options object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new OptimError(`${op}: unknown option ${JSON.stringify(key)} (known: ${known.join(', ')})`);
    }
  }
}

export function positiveInteger(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new OptimError(`${op}: ${name} must be a positive integer, got ${show(value)}`);
  }
}

export function nonNegativeInteger(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new OptimError(`${op}: ${name} must be an integer ≥ 0, got ${show(value)}`);
  }
}

/** PyTorch's `last_epoch`: -1 starts a schedule, anything larger resumes one. */
export function lastEpochValue(op: string, value: unknown): number {
  if (value === undefined) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1) {
    throw new OptimError(`${op}: lastEpoch must be an integer ≥ -1, got ${show(value)}`);
  }
  return value;
}

export function positiveFinite(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OptimError(`${op}: ${name} must be a finite number > 0, got ${show(value)}`);
  }
}

export function nonNegativeFinite(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new OptimError(`${op}: ${name} must be a finite number ≥ 0, got ${show(value)}`);
  }
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
  const ok =
    typeof value === 'number' && (open.lo ? value > lo : value >= lo) && (open.hi ? value < hi : value <= hi);
  if (!ok) {
    const interval = `${open.lo ? '(' : '['}${lo}, ${hi}${open.hi ? ')' : ']'}`;
    throw new OptimError(`${op}: ${name} must be in ${interval}, got ${show(value)}`);
  }
}

export function oneOf<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): asserts value is T {
  if (!choices.includes(value as T)) {
    throw new OptimError(
      `${op}: ${name} must be ${choices.map((c) => `'${c}'`).join(' or ')}, got ${show(value)}`,
    );
  }
}

export function isBoolean(op: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new OptimError(`${op}: ${name} must be true or false, got ${show(value)}`);
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
