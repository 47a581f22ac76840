/**
 * The value checks every config field goes through: each names the field, what it expects and
 * what it got, so a message reads `optimizer.lr: expected a number > 0, got -1`.
 */
import { MtlError } from '@mtl/tensor';
import { BOUNDS } from './bounds';

/** A config that does not validate; the message names the field. One of @mtl's typed errors. */
export class ConfigError extends MtlError {
  override name = 'ConfigError';
}

/** `.name`, or `["odd name"]` for a key that would not read as one. */
export function key(k: string): string {
  if (/^[\p{L}\p{N}_$-]{1,60}$/u.test(k)) return `.${k}`;
  const quoted = JSON.stringify(k);
  return `[${quoted.length > 60 ? `${quoted.slice(0, 60)}…"` : quoted}]`;
}

export function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(`${field}: expected an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

export function known(o: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k))
      throw new ConfigError(`${field}${key(k)}: unknown field (known: ${keys.join(', ') || 'none'})`);
  }
}

export function string(v: unknown, field: string, slashes = false): string {
  if (typeof v !== 'string' || v === '' || (!slashes && /[/\\]/.test(v)))
    throw new ConfigError(
      `${field}: expected a non-empty ${slashes ? 'string' : 'name without slashes'}, got ${show(v)}`,
    );
  if (v.length > BOUNDS.text)
    throw new ConfigError(`${field}: expected at most ${BOUNDS.text} characters, got ${v.length}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, options: readonly T[], field: string): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ConfigError(`${field}: expected one of ${options.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

export function integer(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ConfigError(`${field}: expected an integer from ${min} to ${max}, got ${show(v)}`);
  return v;
}

export function positive(v: unknown, field: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new ConfigError(`${field}: expected a number > 0, got ${show(v)}`);
  return v;
}

export function list(v: unknown, field: string, max = Number.POSITIVE_INFINITY): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(`${field}: expected a list, got ${show(v)}`);
  if (v.length > max) throw new ConfigError(`${field}: expected at most ${max} entries, got ${v.length}`);
  return v;
}

export function integers(v: unknown, field: string, min: number, max: number, count: number): number[] {
  return list(v, field, count).map((x, i) => integer(x, `${field}[${i}]`, min, max));
}

export function numbers(v: unknown, field: string): Record<string, number> {
  const o = object(v, field);
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new ConfigError(`${field}${key(k)}: expected a number, got ${show(x)}`);
  }
  return o as Record<string, number>;
}

/** A value as a short one-line string for a message (JSON, cut at 60 characters). */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  // A value too deep for JSON.stringify (a data file's row nested thousands deep) is named by its kind.
  text ??= Array.isArray(v) ? 'a list' : typeof v === 'object' && v !== null ? 'an object' : `a ${typeof v}`;
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
