/**
 * The whole config in the page's URL, `?config=<base64url of the JSON>`, so a link reproduces an
 * experiment (with its seed). Only fields that differ from the defaults are written, which keeps
 * links short and lets old links pick up new defaults.
 */
import { ConfigError, DEFAULT_CONFIG, type ExperimentConfig, parseConfig } from '../src/config';

const PARAM = 'config';
/** Characters of `?config=` (a full config with every field is about 2,000). */
const MAX_LINK = 100_000;

/** The URL search string for a config ('' for the defaults). */
export function configToSearch(config: ExperimentConfig): string {
  const diff = difference(config, DEFAULT_CONFIG);
  if (diff === undefined) return '';
  return `?${PARAM}=${toBase64Url(JSON.stringify(diff))}`;
}

/**
 * The config a URL search string holds (the defaults when it has none); a ConfigError says what is
 * wrong — also for a link nested thousands deep or too long, which parseConfig's bounds refuse.
 */
export function configFromSearch(search: string): ExperimentConfig {
  const encoded = new URLSearchParams(search).get(PARAM);
  if (encoded === null) return parseConfig({});
  if (encoded.length > MAX_LINK)
    throw new ConfigError(
      `the link\u2019s config has ${encoded.length} characters, more than the ${MAX_LINK} a config needs`,
    );
  let json: string;
  try {
    json = fromBase64Url(encoded);
  } catch {
    throw new ConfigError('the link\u2019s config is not valid base64 — was the URL cut short?');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('the link\u2019s config is not valid JSON — was the URL cut short?');
  }
  return parseConfig(raw);
}

/** The fields of `value` that differ from `base` (objects compared field by field; arrays as a whole). */
function difference(value: unknown, base: unknown): unknown {
  if (isObject(value) && isObject(base)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const d = difference(v, Object.hasOwn(base, k) ? base[k] : undefined);
      // defineProperty, not `out[k] =`: a key may be "__proto__" (a task column's name).
      if (d !== undefined)
        Object.defineProperty(out, k, { value: d, enumerable: true, writable: true, configurable: true });
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return JSON.stringify(value) === JSON.stringify(base) ? undefined : value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
