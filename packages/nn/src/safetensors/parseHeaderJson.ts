import { SafetensorsError } from './SafetensorsError';

/** A JSON number written with a fraction or an exponent (`2.0`, `1e3`): never a valid size. */
export class JsonNonInteger {
  constructor(readonly text: string) {}
}

/**
 * A parsed header value. Objects are Maps (so a key such as `__proto__` is just a key), and
 * integers are numbers while other numbers stay `JsonNonInteger`, because the format's sizes and
 * offsets are integers and `2.0` is not one in the reference reader either.
 */
export type JsonValue = null | boolean | number | string | JsonNonInteger | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** Deeper nesting than any real header; the limit keeps a hostile `[[[[…` off the call stack. */
const MAX_DEPTH = 64;

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses a safetensors header strictly: RFC 8259 JSON, where a repeated key in any object is an
 * error (JSON.parse would keep the last one silently, so two tensors could claim one name).
 */
export function parseHeaderJson(op: string, text: string): JsonValue {
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
    const out: JsonObject = new Map();
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
      if (out.has(key)) {
        throw new SafetensorsError(
          `${op}: the header names ${JSON.stringify(key)} twice (at character ${keyAt}) — each tensor name and field may appear once`,
        );
      }
      skipWhitespace();
      if (text[pos] !== ':') return fail("expected ':'");
      pos++;
      out.set(key, parseValue(depth + 1));
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
    if (v instanceof Map) {
      if (!emit('{')) return false;
      let first = true;
      for (const [k, item] of v) {
        if ((!first && !emit(',')) || !emit(`${JSON.stringify(k)}:`) || !walk(item)) return false;
        first = false;
      }
      return emit('}');
    }
    return emit(JSON.stringify(v));
  };
  return walk(value) ? out : `${out.slice(0, limit - 3)}...`;
}
