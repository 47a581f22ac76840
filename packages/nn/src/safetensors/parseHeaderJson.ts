import { SafetensorsError } from './SafetensorsError';

/** A JSON number written with a fraction or an exponent (`2.0`, `1e3`): never a valid size. */
export class JsonNonInteger {
  constructor(readonly text: string) {}
}

/**
 * A parsed header value. Objects are plain records whose keys are all own properties (a key such
 * as `__proto__` is just a key: read them with `Object.entries`/`Object.hasOwn`, never by
 * inherited lookup), and integers are numbers while other numbers stay `JsonNonInteger`, because
 * the format's sizes and offsets are integers and `2.0` is not one in the reference reader either.
 */
export type JsonValue = null | boolean | number | string | JsonNonInteger | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a parsed JSON object (not null, an array or a `JsonNonInteger`). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNonInteger)
  );
}

/** Deeper nesting than any real header; the limit keeps a hostile `[[[[…` off the call stack. */
const MAX_DEPTH = 64;

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A parsed header: its value and, when the value is an object, its own entries in order. */
export interface ParsedHeaderJson {
  value: JsonValue;
  entries: [string, JsonValue][] | null;
}

/**
 * Parses a safetensors header strictly: RFC 8259 JSON, where a repeated key in any object is an
 * error (JSON.parse would keep the last one silently, so two tensors could claim one name).
 *
 * Fast path: one pass over the text counts the keys and looks for what JSON.parse would read
 * differently (a fraction or an exponent, nesting past the limit); when there is none, the
 * engine's JSON.parse builds the value and a repeated key shows as a key count that came up
 * short — counted in the same walk that lists the root's entries, which a header of millions of
 * tensors cannot afford twice. Anything else goes to the strict parser below, which names the
 * problem and where.
 */
export function parseHeaderJson(op: string, text: string): ParsedHeaderJson {
  const keys = countKeysInText(text);
  if (keys !== null) {
    let value: JsonValue | undefined;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch {
      // The strict parser says where the syntax error is.
    }
    if (value !== undefined) {
      const listed = listEntries(value);
      if (listed.keys === keys) return { value, entries: listed.entries };
    }
  }
  const value = parseStrictly(op, text);
  return { value, entries: isJsonObject(value) ? Object.entries(value) : null };
}

/** The root's own entries (null unless it is an object) and the key count of the whole value. */
function listEntries(value: JsonValue): { entries: [string, JsonValue][] | null; keys: number } {
  if (!isJsonObject(value)) return { entries: null, keys: countKeysInValue(value) };
  const entries: [string, JsonValue][] = [];
  let keys = 0;
  for (const key in value) {
    const item = value[key]!;
    entries.push([key, item]);
    keys += typeof item === 'object' && item !== null ? 1 + countKeysInValue(item) : 1;
  }
  return { entries, keys };
}

/**
 * The number of object keys in JSON text (strings followed by `:`), or null when JSON.parse's
 * reading could differ from the strict one: a number with a fraction or an exponent, or nesting
 * deeper than the limit. Invalid text is fine here; JSON.parse rejects it next.
 */
function countKeysInText(text: string): number | null {
  let keys = 0;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included, then see whether a ':' follows.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d !== 0x20 && d !== 0x0a && d !== 0x0d && d !== 0x09) break;
      }
      if (text.charCodeAt(j) === 0x3a) keys++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return null;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2e) {
      return null;
    } else if ((c === 0x65 || c === 0x45) && isDigit(text.charCodeAt(i - 1))) {
      return null;
    }
  }
  return keys;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The number of keys of every object in a parsed value (depth is bounded by the text scan). */
function countKeysInValue(value: JsonValue): number {
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) if (typeof item === 'object' && item !== null) total += countKeysInValue(item);
    return total;
  }
  if (!isJsonObject(value)) return 0;
  let total = 0;
  for (const key in value) {
    total++;
    const item = value[key]!;
    if (typeof item === 'object' && item !== null) total += countKeysInValue(item);
  }
  return total;
}

/** The strict parser: slower, and names the problem and where it is. */
function parseStrictly(op: string, text: string): JsonValue {
  let pos = 0;

  const fail = (problem: string): never => {
    const snippet = JSON.stringify(text.slice(Math.max(0, pos - 20), pos + 20));
    throw new SafetensorsError(
      `${op}: the header is not valid JSON — ${problem} at character ${pos} (near ${snippet})`,
    );
  };

  const skipWhitespace = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };

  const expectLiteral = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail('unexpected token');
  };

  const parseString = (): string => {
    pos++; // the opening quote
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) return fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) return fail('unescaped control character in a string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text[pos + 1];
      pos += 2;
      if (e === 'u') {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return fail('bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 4;
      } else {
        const simple = ESCAPES[e ?? ''];
        if (simple === undefined) return fail('bad escape');
        out += simple;
      }
      start = pos;
    }
  };

  const parseNumber = (): number | JsonNonInteger => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null) return fail('unexpected token');
    pos += match[0].length;
    return INTEGER.test(match[0]) ? Number(match[0]) : new JsonNonInteger(match[0]);
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) return fail(`nesting deeper than ${MAX_DEPTH} levels`);
    skipWhitespace();
    const c = text[pos];
    if (c === '{') return parseObject(depth);
    if (c === '[') return parseArray(depth);
    if (c === '"') return parseString();
    if (c === 't') return expectLiteral('true', true);
    if (c === 'f') return expectLiteral('false', false);
    if (c === 'n') return expectLiteral('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    return fail(c === undefined ? 'unexpected end' : 'unexpected token');
  };

  const parseArray = (depth: number): JsonValue[] => {
    pos++;
    const out: JsonValue[] = [];
    skipWhitespace();
    if (text[pos] === ']') {
      pos++;
      return out;
    }
    for (;;) {
      out.push(parseValue(depth + 1));
      skipWhitespace();
      const c = text[pos++];
      if (c === ']') return out;
      if (c !== ',') {
        pos--;
        return fail("expected ',' or ']'");
      }
    }
  };

  const parseObject = (depth: number): JsonObject => {
    pos++;
    // No prototype: `out[key] = …` makes an own property even for `__proto__`.
    const out: JsonObject = Object.create(null);
    skipWhitespace();
    if (text[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] !== '"') return fail('expected a string key');
      const keyAt = pos;
      const key = parseString();
      if (key in out) {
        throw new SafetensorsError(
          `${op}: the header names ${JSON.stringify(key)} twice (at character ${keyAt}) — each tensor name and field may appear once`,
        );
      }
      skipWhitespace();
      if (text[pos] !== ':') return fail("expected ':'");
      pos++;
      out[key] = parseValue(depth + 1);
      skipWhitespace();
      const c = text[pos++];
      if (c === '}') return out;
      if (c !== ',') {
        pos--;
        return fail("expected ',' or '}'");
      }
    }
  };

  const value = parseValue(0);
  skipWhitespace();
  if (pos !== text.length) fail('unexpected text after the JSON value');
  return value;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A short JSON rendering of a parsed value, for error messages (long values are cut). */
export function describeJson(value: JsonValue): string {
  const limit = 80;
  let out = '';
  const emit = (text: string): boolean => {
    out += text;
    return out.length <= limit;
  };
  const walk = (v: JsonValue): boolean => {
    if (v instanceof JsonNonInteger) return emit(v.text);
    if (Array.isArray(v)) {
      if (!emit('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !emit(',')) || !walk(v[i]!)) return false;
      return emit(']');
    }
    if (isJsonObject(v)) {
      if (!emit('{')) return false;
      let first = true;
      for (const [k, item] of Object.entries(v)) {
        if ((!first && !emit(',')) || !emit(`${JSON.stringify(k)}:`) || !walk(item)) return false;
        first = false;
      }
      return emit('}');
    }
    return emit(JSON.stringify(v));
  };
  return walk(value) ? out : `${out.slice(0, limit - 3)}...`;
}
