import { defineConfig, type Options } from 'tsup';

/**
 * The build of every published package: ESM and CommonJS with their type declarations, ES2022.
 * `splitting` keeps one copy of the shared code when a package has several entries, in CommonJS
 * too (a second copy of a class breaks `instanceof` across entries). No source maps: they would
 * point at `src/` files the tarball does not ship.
 */
export function packageBuild(entry: string[] = ['src/index.ts']): Options {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    splitting: true,
    dts: true,
    sourcemap: false,
    clean: true,
    target: 'es2022',
  }) as Options;
}
