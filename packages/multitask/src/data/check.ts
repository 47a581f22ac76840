import { DTypeError, Generator, type Tensor, ValueError } from '@mtl/tensor';

/*
 * Argument checks at the public boundary of the data, datasets, metrics and architectures. Every
 * failure is a typed error (ValueError, or DTypeError for a dtype) reading
 * `op: name must be <what> — got <value> (<fix>)`, thrown before any work. Messages are built
 * with `describeValue`, which never throws (symbols, bigints, revoked proxies included).
 */

/**
 * The largest number of values a data utility or a built-in dataset generates in one tensor
 * (a one-hot matrix, a generated feature or label matrix): 2²⁶ = 67,108,864 (512 MB as float64).
 * Larger requests are refused up front instead of allocating for seconds or running out of memory.
 */
export const MAX_GENERATED_VALUES = 2 ** 26;

/** `1,234,567`: a count as a message prints it. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

/** Whether `x` looks like an @mtl/tensor Tensor (by shape, dtype and data, so a second copy counts). */
export function isTensorLike(x: unknown): x is Tensor {
  try {
    if (typeof x !== 'object' || x === null) return false;
    const t = x as { shape?: unknown; dtype?: unknown; data?: unknown };
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

/**
 * How a message shows a value it did not expect: numbers and strings as themselves (strings
 * quoted and cut at 40 characters), `1n (a bigint)`, `Symbol(x)`, `null`, `an array of length 3`,
 * `a float32 tensor of shape [2,3]`, `a Map`, `an object`. Never throws.
 */
export function describeValue(value: unknown): string {
  try {
    switch (typeof value) {
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint':
        return `${value.toString()}n (a bigint)`;
      case 'string':
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      case 'symbol':
        return `${Symbol.prototype.toString.call(value)} (a symbol)`;
      case 'function':
        return 'a function';
      case 'boolean':
      case 'undefined':
        return String(value);
    }
    if (value === null) return 'null';
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    if (isTensorLike(value)) return `a ${value.dtype} tensor of shape [${value.shape.join(',')}]`;
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
    const name = proto?.constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Object') {
      return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
    }
    return 'an object';
  } catch {
    return 'an unprintable value';
  }
}

/** `op: name must be what — got value (fix)`. */
export function mustBe(op: string, name: string, what: string, value: unknown, fix?: string): string {
  return `${op}: ${name} must be ${what} — got ${describeValue(value)}${fix ? ` (${fix})` : ''}`;
}

/** A non-array object (a revoked proxy is not). */
function isObject(value: unknown): value is Record<string, unknown> {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** An object literal or a null-prototype object. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An options object: undefined reads as `{}`; anything else must be a plain object whose own
 * keys are all in `known` (a typo is an error, not a silently ignored option). The keys are
 * copied into a null-prototype object, so reading them never reaches Object.prototype. With
 * `ignoreOthers`, any non-array object is read for the `known` keys only (for an argument that
 * is a bigger object by design, such as a dataset's columns).
 */
export function checkOptions(
  op: string,
  name: string,
  value: unknown,
  known: readonly string[],
  { ignoreOthers = false }: { ignoreOthers?: boolean } = {},
): Record<string, unknown> {
  if (value === undefined) return Object.create(null) as Record<string, unknown>;
  if (!(ignoreOthers ? isObject(value) : isPlainObject(value))) {
    throw new ValueError(
      mustBe(op, name, 'an options object', value, `pass { ${known.join(', ')} } or leave it out`),
    );
  }
  const out = Object.create(null) as Record<string, unknown>;
  if (ignoreOthers) {
    for (const key of known) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  for (const key of Reflect.ownKeys(value as object)) {
    if (typeof key !== 'string' || !known.includes(key)) {
      const shown = typeof key === 'string' ? JSON.stringify(key) : describeValue(key);
      throw new ValueError(
        `${op}: unknown option ${shown} in ${name} (known: ${known.join(', ') || 'none'})`,
      );
    }
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A required plain object (not an array, not null): a record such as `tasks` or `labels`. */
export function checkRecord(
  op: string,
  name: string,
  value: unknown,
  example: string,
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ValueError(mustBe(op, name, `an object like ${example}`, value));
  }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string') {
      throw new ValueError(`${op}: ${name} has a symbol key ${describeValue(key)}; keys must be strings`);
    }
  }
  return value;
}

/** Own string-keyed entries of a record, in order, including a `__proto__` key. */
export function ownEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.keys(record).map((k) => [k, record[k] as T]);
}

/** A null-prototype record from entries, so task names such as `__proto__` are ordinary keys. */
export function taskRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export interface IntegerRange {
  min: number;
  max?: number;
  fix?: string;
}

/** An integer in [min, max] (max defaults to the largest safe integer). */
export function checkInteger(
  op: string,
  name: string,
  value: unknown,
  { min, max, fix }: IntegerRange,
): number {
  const top = max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > top) {
    const kind =
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    const what = max === undefined ? kind : `${kind} <= ${formatCount(top)}`;
    throw new ValueError(mustBe(op, name, what, value, fix));
  }
  return Object.is(value, -0) ? 0 : value;
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** Exclude min itself (a value must be > min). */
  minExclusive?: boolean;
  fix?: string;
}

/** A finite number, optionally in a range. */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  { min, max, minExclusive = false, fix }: NumberRange = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) {
    let what = 'a finite number';
    if (min !== undefined && max !== undefined) what = `in [${min}, ${max}]`;
    else if (min !== undefined) what = `a finite number ${minExclusive ? '>' : '>='} ${min}`;
    else if (max !== undefined) what = `a finite number <= ${max}`;
    throw new ValueError(mustBe(op, name, what, value, fix));
  }
  return value as number;
}

/** A boolean (undefined gives `fallback`). */
export function checkBoolean(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(mustBe(op, name, 'true or false', value));
  return value;
}

/** One of a few strings (undefined gives `fallback`). */
export function checkChoice<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ValueError(mustBe(op, name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value));
  }
  return value as T;
}

/** A Tensor. */
export function checkTensor(op: string, name: string, value: unknown, fix?: string): Tensor {
  if (!isTensorLike(value)) {
    throw new ValueError(mustBe(op, name, 'a Tensor', value, fix ?? 'wrap arrays with tensor([...])'));
  }
  return value;
}

/** A floating-point dtype for the outputs (undefined stays undefined: the callee's default). */
export function checkFloatDType(op: string, name: string, value: unknown): 'float32' | 'float64' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'float32' && value !== 'float64') {
    throw new DTypeError(mustBe(op, name, "'float32' or 'float64'", value));
  }
  return value;
}

/** An @mtl/tensor Generator (undefined stays undefined). */
export function checkGenerator(op: string, name: string, value: unknown): Generator | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Generator)) {
    throw new ValueError(
      mustBe(op, name, 'a Generator', value, 'pass new Generator(seed), or a seed instead'),
    );
  }
  return value;
}

/** An array of integers each in [min, max], of at most `maxLength` entries. */
export function checkIntegerList(
  op: string,
  name: string,
  value: unknown,
  {
    min,
    max,
    minLength = 0,
    maxLength = 1024,
  }: { min: number; max: number; minLength?: number; maxLength?: number },
): number[] {
  if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) {
    const what =
      minLength > 0
        ? `an array of ${minLength} to ${maxLength} integers`
        : `an array of at most ${maxLength} integers`;
    throw new ValueError(mustBe(op, name, what, value));
  }
  return value.map((v, i) => checkInteger(op, `${name}[${i}]`, v, { min, max }));
}

/** A task name: a non-empty string without '.', which module names use as their separator. */
export function checkTaskName(op: string, where: string, name: string): string {
  if (name === '' || name.includes('.')) {
    throw new ValueError(
      `${op}: task name ${JSON.stringify(name)} in ${where} must be non-empty and have no '.' ` +
        '(parameter names are dotted paths such as heads.<task>.weight)',
    );
  }
  return name;
}
