import { ValueError } from '@mtl/tensor';

/** A categorical value; null (or undefined) means missing. */
export type Category = string | null | undefined;

/**
 * The categories to encode with: `given` checked for duplicates, or else the distinct non-missing
 * values sorted by code unit (locale-independent, so the same on every machine). Also a lookup
 * from category to position.
 */
export function categoryIndex(
  op: string,
  name: string,
  values: readonly Category[],
  given: readonly string[] | undefined,
): { list: string[]; position: Map<string, number> } {
  if (!Array.isArray(values)) throw new ValueError(`${op}: values must be an array of strings or null`);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined && typeof v !== 'string') {
      throw new ValueError(`${op}: values[${i}] must be a string or null — got ${typeof v} ${String(v)}`);
    }
  });
  const list =
    given === undefined
      ? [...new Set(values.filter((v): v is string => v !== null && v !== undefined))].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        )
      : [...given];
  const position = new Map<string, number>();
  list.forEach((c, i) => {
    if (typeof c !== 'string')
      throw new ValueError(`${op}: ${name}[${i}] must be a string — got ${String(c)}`);
    if (position.has(c))
      throw new ValueError(`${op}: ${name} lists "${c}" twice (at ${position.get(c)} and ${i})`);
    position.set(c, i);
  });
  return { list, position };
}
