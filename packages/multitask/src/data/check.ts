import {
  checkInteger,
  checkOptionsObject,
  DTypeError,
  formatValue,
  Generator,
  isPlainObject,
  isTensorLike,
  mustBe,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

/*
 * Argument checks at the public boundary of the data, datasets, metrics and architectures. Every
 * failure is a typed error (ValueError, or DTypeError for a dtype) reading
 * `op: name must be <what> — got <value> (<fix>)`, thrown before any work. The generic checks
 * (numbers, integers, booleans, choices, `mustBe`, `formatValue`) come from @mtl/tensor; this
 * file keeps what only the data, datasets, metrics and architectures need.
 */

/**
 * The largest number of values a data utility or a built-in dataset generates in one tensor
 * (a one-hot matrix, a generated feature or label matrix): 2²⁶ = 67,108,864 (512 MB as float64).
 * Larger requests are refused up front instead of allocating for seconds or running out of memory.
 */
export const MAX_GENERATED_VALUES = 2 ** 26;

/** A non-array object (a revoked proxy is not). */
function isObject(value: unknown): value is Record<string, unknown> {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
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
  const out = Object.create(null) as Record<string, unknown>;
  if (ignoreOthers) {
    if (value === undefined) return out;
    if (!isObject(value)) {
      throw new ValueError(
        mustBe(op, name, `an object such as { ${known.join(', ')} }`, value, 'or leave it out'),
      );
    }
    for (const key of known) {
      const v = value[key];
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  const checked = checkOptionsObject(op, value, known, { name });
  refuseSymbolKeys(op, name, checked);
  for (const key of Object.keys(checked)) {
    const v = checked[key];
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
  refuseSymbolKeys(op, name, value);
  return value;
}

function refuseSymbolKeys(op: string, name: string, value: object): void {
  const key = Object.getOwnPropertySymbols(value)[0];
  if (key !== undefined) {
    throw new ValueError(`${op}: ${name} has a symbol key ${formatValue(key)}; keys must be strings`);
  }
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

/** A generator seed: a safe integer. */
export function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ValueError(mustBe(op, 'seed', 'a safe integer', seed));
  }
  return seed;
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
