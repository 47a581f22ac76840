import { formatValue, mustBe, ValueError } from '@mtl/tensor';

/** A categorical value; null (or undefined) means missing. */
export type Category = string | null | undefined;

/**
 * The categories to encode with: `given` checked (an array of distinct strings), or else the
 * distinct non-missing values sorted by code unit (locale-independent, so the same on every
 * machine). Also a lookup from category to position. A hole in `values` reads as missing.
 *
 * @throws ValueError naming `op` for values that are not an array of strings or null, a `given`
 *   that is not an array of distinct strings
 */
export function categoryIndex(
  op: string,
  name: string,
  values: readonly Category[],
  given: readonly string[] | undefined,
): { list: string[]; position: Map<string, number> } {
  if (!Array.isArray(values)) {
    throw new ValueError(
      mustBe(op, 'values', 'an array of strings or null', values, 'null marks a missing value'),
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (v !== null && v !== undefined && typeof v !== 'string') {
      throw new ValueError(
        mustBe(
          op,
          `values[${i}]`,
          'a string or null',
          v,
          'convert numbers with String(...) first, if they are categories',
        ),
      );
    }
  }
  if (given !== undefined && !Array.isArray(given)) {
    throw new ValueError(mustBe(op, name, 'an array of strings', given));
  }
  let list: string[];
  if (given === undefined) {
    const seen = new Set<string>();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'string') seen.add(v);
    }
    list = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } else {
    list = [...given];
  }
  const position = new Map<string, number>();
  list.forEach((c, i) => {
    if (typeof c !== 'string') throw new ValueError(mustBe(op, `${name}[${i}]`, 'a string', c));
    if (position.has(c))
      throw new ValueError(`${op}: ${name} lists ${formatValue(c)} twice (at ${position.get(c)} and ${i})`);
    position.set(c, i);
  });
  return { list, position };
}
