import { formatValue, isPlainObject } from '@mtl/tensor';
import { WeightingError } from './WeightingError';

/** How one option is checked: what a good value is (for the message) and the test. */
export interface OptionRule {
  readonly what: string;
  readonly ok: (value: unknown) => boolean;
}

/**
 * Every option of `O` with its default; the options named in `Optional` have none and may be
 * `undefined` (GradVac's `groups`).
 */
export type MethodDefaults<O, Optional extends keyof O = never> = {
  readonly [K in keyof Required<O>]: K extends Optional ? O[K] : Required<O>[K];
};

/** One rule per option of `O`: the compiler checks that none is missing. */
export type OptionRules<O> = { readonly [K in keyof Required<O>]: OptionRule };

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** A rule from its description and its test. */
export const rule = (what: string, ok: (value: unknown) => boolean): OptionRule => ({ what, ok });

/** The rules the methods' options are made of. */
export const rules = {
  finite: rule('a finite number', (v) => isNumber(v) && Number.isFinite(v)),
  positive: rule('a finite number > 0', (v) => isNumber(v) && v > 0 && Number.isFinite(v)),
  nonNegative: rule('a finite number ≥ 0', (v) => isNumber(v) && v >= 0 && Number.isFinite(v)),
  boolean: rule('true or false', (v) => typeof v === 'boolean'),
  seed: rule('an integer seed', (v) => Number.isSafeInteger(v)),
  /** A number in [lo, hi], or [lo, hi) with `{ open: true }`. */
  between: (lo: number, hi: number, { open = false } = {}): OptionRule => ({
    what: `a number in [${lo}, ${hi}${open ? ')' : ']'}`,
    ok: (v) => isNumber(v) && v >= lo && (open ? v < hi : v <= hi),
  }),
  /** A number in (lo, hi]. */
  above: (lo: number, hi: number): OptionRule => ({
    what: `a number in (${lo}, ${hi}]`,
    ok: (v) => isNumber(v) && v > lo && v <= hi,
  }),
  integer: (min: number): OptionRule => ({
    what: `an integer ≥ ${min}`,
    ok: (v) => Number.isSafeInteger(v) && (v as number) >= min,
  }),
  oneOf: <T>(values: readonly T[]): OptionRule => ({
    what: `one of ${values.map((v) => formatValue(v)).join(', ')}`,
    ok: (v) => values.includes(v as T),
  }),
  tasks: rule(
    'an array of distinct task names',
    (v) =>
      Array.isArray(v) &&
      v.every((t) => typeof t === 'string' && t.length > 0) &&
      new Set(v).size === v.length,
  ),
  /** `{ task: number }`, every value finite. */
  taskNumbers: rule(
    'an object of finite numbers by task, e.g. { a: 0.5 }',
    (v) => isPlainObject(v) && Object.values(v).every((x) => isNumber(x) && Number.isFinite(x)),
  ),
  sizes: rule(
    'a non-empty array of positive integer sizes',
    (v) => Array.isArray(v) && v.length > 0 && v.every((s) => Number.isSafeInteger(s) && s > 0),
  ),
  /** `rule`, or `undefined` (the option is optional and has no default). */
  optional: (rule: OptionRule): OptionRule => ({
    what: `${rule.what} (or leave it out)`,
    ok: (v) => v === undefined || rule.ok(v),
  }),
  /** Either of two rules. */
  either: (a: OptionRule, b: OptionRule): OptionRule => ({
    what: `${a.what}, or ${b.what}`,
    ok: (v) => a.ok(v) || b.ok(v),
  }),
};

/**
 * A method's options as it will use them: `given` over `defaults`, with every key known and every
 * value passing its rule — else a WeightingError naming the method, the option, the value and
 * what it must be (`PCGrad: unknown option "ordr" (known: order, seed)`). A key set to
 * `undefined` reads as not given.
 */
export function methodOptions<O extends object, D extends MethodDefaults<O, keyof O>>(
  method: string,
  given: O | undefined,
  defaults: D,
  optionRules: OptionRules<O>,
): D {
  const known = Object.keys(defaults);
  if (given === undefined) return { ...defaults };
  if (!isPlainObject(given)) {
    throw new WeightingError(
      `${method}: options must be an object such as { ${known.join(', ')} } — got ${formatValue(given)} (or leave it out)`,
    );
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (!known.includes(key)) {
      throw new WeightingError(
        `${method}: unknown option ${formatValue(key)} (known: ${known.join(', ') || 'none'})`,
      );
    }
    if (value !== undefined) merged[key] = value;
  }
  for (const key of known) {
    const rule = (optionRules as Record<string, OptionRule>)[key]!;
    if (!rule.ok(merged[key])) {
      throw new WeightingError(`${method}: ${key} must be ${rule.what} — got ${formatValue(merged[key])}`);
    }
  }
  return merged as D;
}
