/**
 * `--set field=value` on the command line: one field of a config or preset changed without
 * writing a file (`--set data.options.trainImages=1000`, `--set methods=["ew","mgda"]`). The value
 * is JSON when it parses as JSON, else text; the config parser then checks it like any other.
 */
import { ConfigError, show } from './configValues';

/** Names a path may use: plain identifiers, never the ones that reach an object's prototype. */
const SEGMENT = /^[A-Za-z_$][\w$]*$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** A copy of `raw` with the field of `assignment` (`a.b.c=value`) set. */
export function setField(raw: Record<string, unknown>, assignment: string): Record<string, unknown> {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new ConfigError(`--set ${show(assignment)}: expected field=value, e.g. --set epochs=5`);
  const path = assignment.slice(0, at).split('.');
  const text = assignment.slice(at + 1);
  const bad = path.find((p) => !SEGMENT.test(p) || FORBIDDEN.has(p));
  if (bad !== undefined)
    throw new ConfigError(
      `--set ${path.join('.')}: ${show(bad)} is not a field name --set can reach (write such a field in a config file)`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  const copy = structuredClone(raw);
  let node: Record<string, unknown> = copy;
  path.slice(0, -1).forEach((name, i) => {
    const next = Object.hasOwn(node, name) ? node[name] : {};
    if (typeof next !== 'object' || next === null || Array.isArray(next))
      throw new ConfigError(
        `--set ${path.join('.')}: ${path.slice(0, i + 1).join('.')} is ${show(next)}, not an object with fields`,
      );
    node[name] = next;
    node = next as Record<string, unknown>;
  });
  node[path.at(-1)!] = value;
  return copy;
}
