/**
 * A run's key: the SHA-256 of everything that decides its result — its kind, method, seed, whole
 * config, the data's own key (a data file's hash) and the library version — as canonical JSON
 * (object keys sorted), so the same run gets the same key in any sweep, on any machine, and any
 * change to one of these gives a new key. Results are stored under it (content-addressed).
 */
import { createHash } from 'node:crypto';

export function runKey(parts: {
  kind: string;
  name: string;
  seed: number;
  config: object;
  version: string;
  dataKey: string;
}): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 32);
}

/** JSON with every object's keys in sorted order (arrays keep theirs). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
