/**
 * Generic argument checks for every @mtl package's public boundary. Each one throws the caller's
 * error class (ValueError by default; a package passes its own, such as OptimError) with a
 * message reading `op: name must be <what> — got <value> (<fix>)`, the value shown by
 * `formatValue`, so no check ever throws a generic error while building its message.
 * Package-specific checks (layers, parameters, task names) stay in their packages.
 */
import { formatValue, ValueError } from './errors';
import type { Tensor } from './Tensor';

/** The error class a check throws: any `Error` subclass taking a message. */
export type ErrorClass = new (message: string) => Error;

/**
 * Whether `value` is an object literal or a null-prototype object — not an array, a class
 * instance, a Map or a Date. Never throws (a revoked Proxy is not a plain object).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/**
 * Whether `value` is a Tensor by duck typing: an array `shape` of non-negative integers, a
 * string `dtype` and a typed-array `data` holding exactly the shape's number of elements. A
 * Tensor from a second copy of @mtl/tensor counts, a Variable does not (it has no `data`).
 * Never throws.
 */
export function isTensorLike(value: unknown): value is Tensor {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const t = value as { shape?: unknown; dtype?: unknown; data?: unknown };
    if (!Array.isArray(t.shape) || typeof t.dtype !== 'string' || !ArrayBuffer.isView(t.data)) return false;
    let size = 1;
    for (const d of t.shape) {
      if (!Number.isSafeInteger(d) || (d as number) < 0) return false;
      size *= d as number;
    }
    return (t.data as unknown as ArrayLike<number>).length === size;
  } catch {
    return false;
  }
}

/** `op: name must be what — got value (fix)`: the message every check here throws. */
export function mustBe(op: string, name: string, what: string, value: unknown, fix?: string): string {
  return `${op}: ${name} must be ${what} — got ${formatValue(value)}${fix ? ` (${fix})` : ''}`;
}

/**
 * Refuses an own enumerable key of `options` that is not in `known`, so a misspelt option is an
 * error rather than silently ignored: `op: unknown option "keepdim" in options (known: keepDim)`.
 * `where` names the object when it is not the only options argument.
 */
export function checkKnownKeys(
  op: string,
  options: object,
  known: readonly string[],
  { where, ErrorType = ValueError }: { where?: string; ErrorType?: ErrorClass } = {},
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ErrorType(
        `${op}: unknown option ${formatValue(key)}${where === undefined ? '' : ` in ${where}`} ` +
          `(known: ${known.join(', ') || 'none'})`,
      );
    }
  }
}

/**
 * An options argument: undefined reads as `{}`; anything else must be a plain object (see
 * {@link isPlainObject}) whose keys are all in `known`, so a misspelt option is an error rather
 * than silently ignored. `example` shows the fix (default: `{ known… }`); `name` is the
 * argument's name when it is not `options`.
 */
export function checkOptionsObject(
  op: string,
  value: unknown,
  known: readonly string[],
  {
    name = 'options',
    example = `{ ${known.join(', ')} }`,
    ErrorType = ValueError,
  }: { name?: string; example?: string; ErrorType?: ErrorClass } = {},
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new ErrorType(mustBe(op, name, `an object such as ${example}`, value, 'or leave it out'));
  }
  checkKnownKeys(op, value, known, { where: name === 'options' ? undefined : name, ErrorType });
  return value;
}

/** The known keys of an options interface `T`, as {@link optionKeys} lists them. */
export type OptionKeys<T> = readonly (keyof T & string)[];

/**
 * The keys of the options interface `T`, listed once next to it: the compiler checks the list
 * against the interface, so a key missing from it, or one the interface lacks, is a type error.
 * `optionKeys<LinearOptions>({ bias: true, dtype: true, generator: true })`.
 */
export function optionKeys<T extends object>(keys: { [K in keyof Required<T>]: true }): OptionKeys<T> {
  return Object.freeze(Object.keys(keys)) as OptionKeys<T>;
}

/**
 * {@link checkOptionsObject} typed as the caller's options interface: undefined reads as `{}`, a
 * misspelt option is a ValueError naming it (`sum: unknown option "keepdim" (known: keepDim)`).
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  known: readonly string[],
): T {
  return checkOptionsObject(op, options, known) as T;
}

/** Bounds of {@link checkInteger}; `fix` is the hint a refusal ends with. */
export interface IntegerRange {
  /** Default: -(2^53 − 1). `-Infinity` also accepts unsafe integers. */
  min?: number;
  /** Default: 2^53 − 1. `Infinity` also accepts unsafe integers (a count that only grows). */
  max?: number;
  fix?: string;
}

/**
 * An integer in [min, max] (the safe-integer range by default), returned with -0 read as 0.
 * The message names the bounds: `a positive integer <= 1,024`.
 */
export function checkInteger(
  op: string,
  name: string,
  value: unknown,
  { min, max, fix }: IntegerRange = {},
  ErrorType: ErrorClass = ValueError,
): number {
  const bottom = min ?? Number.MIN_SAFE_INTEGER;
  const top = max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bottom || value > top) {
    const kind =
      min === undefined || min === -Infinity
        ? 'an integer'
        : min === 1
          ? 'a positive integer'
          : min === 0
            ? 'a non-negative integer'
            : `an integer >= ${min}`;
    const what = max === undefined || max === Infinity ? kind : `${kind} <= ${formatCount(top)}`;
    throw new ErrorType(mustBe(op, name, what, value, fix));
  }
  return Object.is(value, -0) ? 0 : value;
}

/** Bounds of {@link checkNumber}; `fix` is the hint a refusal ends with. */
export interface NumberRange {
  min?: number;
  max?: number;
  /** Exclude min itself (a value must be > min). */
  minExclusive?: boolean;
  /** Exclude max itself (a value must be < max). */
  maxExclusive?: boolean;
  fix?: string;
}

/** A finite number (never NaN or ±Infinity), optionally in a range. */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  { min, max, minExclusive = false, maxExclusive = false, fix }: NumberRange = {},
  ErrorType: ErrorClass = ValueError,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || (maxExclusive ? value < max : value <= max));
  if (!ok) {
    let what = 'a finite number';
    if (min !== undefined && max !== undefined) {
      what = `in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
    } else if (min !== undefined) what = `a finite number ${minExclusive ? '>' : '>='} ${min}`;
    else if (max !== undefined) what = `a finite number ${maxExclusive ? '<' : '<='} ${max}`;
    throw new ErrorType(mustBe(op, name, what, value, fix));
  }
  return value as number;
}

/** A boolean; undefined gives `fallback`. */
export function checkBoolean(
  op: string,
  name: string,
  value: unknown,
  fallback: boolean,
  ErrorType: ErrorClass = ValueError,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ErrorType(mustBe(op, name, 'true or false', value));
  return value;
}

/** One of a few strings; undefined gives `fallback`. */
export function checkChoice<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
  ErrorType: ErrorClass = ValueError,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ErrorType(mustBe(op, name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value));
  }
  return value as T;
}

/** `1,234,567`: a count as a message prints it. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}
