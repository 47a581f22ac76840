import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonNonInteger, parseHeaderJson } from '../src/safetensors/parseHeaderJson';
import { SafetensorsError } from '../src/safetensors/SafetensorsError';

/**
 * parseHeaderJson takes JSON.parse's fast path when it can; whichever path runs, the answer must
 * be the strict parser's: a repeated key is an error, a fraction stays a JsonNonInteger, and
 * `__proto__` is a key like any other.
 */
describe('parseHeaderJson', () => {
  it('finds a repeated key at any depth, with or without the fast path', () => {
    for (const text of [
      '{"a":{"dtype":"F32"},"a":{"dtype":"F32"}}',
      '{"a":{"dtype":"F32","dtype":"F64"}}',
      '{"a":[{"x":1,"y":[{"z":1,"z":2}]}]}',
      '{"a":1,"b":2.5,"a":3}',
      '{"__proto__":1,"__proto__":2}',
    ]) {
      expect(() => parseHeaderJson('op', text), text).toThrow(SafetensorsError);
      expect(() => parseHeaderJson('op', text), text).toThrow(/names ".*" twice/);
    }
  });

  it('keeps a fraction or an exponent as JsonNonInteger, and true/false/null as themselves', () => {
    const value = parseHeaderJson('op', '{"a":[2.0,1e3,-0,7],"b":true,"c":false,"d":null,"e":"1.5"}')
      .value as Record<string, unknown>;
    const [fraction, exponent, zero, seven] = value.a as unknown[];
    expect(fraction).toEqual(new JsonNonInteger('2.0'));
    expect(exponent).toEqual(new JsonNonInteger('1e3'));
    expect(Object.is(zero, -0)).toBe(true);
    expect(seven).toBe(7);
    expect([value.b, value.c, value.d, value.e]).toEqual([true, false, null, '1.5']);
  });

  it('reads __proto__, constructor and escaped keys as own keys', () => {
    for (const text of [
      '{"__proto__":{"x":1},"constructor":2,"a\\"b":3,"\\u0061":4}',
      '{"__proto__":{"x":1.5},"constructor":2,"a\\"b":3,"\\u0061":4}',
    ]) {
      const { value, entries } = parseHeaderJson('op', text);
      expect(Object.keys(value as object).sort()).toEqual(['__proto__', 'a', 'a"b', 'constructor']);
      expect(entries!.map(([k]) => k).sort()).toEqual(['__proto__', 'a', 'a"b', 'constructor']);
      expect(Object.keys(Object.getOwnPropertyDescriptor(value, '__proto__')!.value)).toEqual(['x']);
    }
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('refuses nesting past 64 levels on both paths', () => {
    expect(() => parseHeaderJson('op', `${'['.repeat(66)}${']'.repeat(66)}`)).toThrow(/deeper than 64/);
    expect(() => parseHeaderJson('op', `{"a":${'['.repeat(5000)}1.5${']'.repeat(5000)}}`)).toThrow(
      /deeper than 64/,
    );
  });

  it('agrees with JSON.parse on random valid JSON without repeated keys or fractions', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.string(),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.constantFrom('', ' ', '\n\t '), (value, space) => {
        const text = JSON.stringify(value, null, space);
        expect(parseHeaderJson('op', text).value).toEqual(JSON.parse(text));
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});
