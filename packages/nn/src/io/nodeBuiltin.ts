/**
 * A Node built-in module (`'fs/promises'`, `'path'`…), imported when a file helper runs. The
 * specifier is not a literal, so bundlers leave the call alone: a browser bundle holds no `node:`
 * import and no warning about one (webpack and Vite are told to ignore it). In a browser the
 * import fails, and the caller says what to do instead.
 */
export function nodeBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}
