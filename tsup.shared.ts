import { defineConfig, type Options } from 'tsup';

/**
 * The build of every published package: ESM and CommonJS with their type declarations, ES2022.
 * A package with several entries is split, in CommonJS too, so they share one copy of the common
 * code (a second copy of a class breaks `instanceof` across entries). Only then: tsup makes split
 * CommonJS by converting ESM chunks with sucrase, which turned autograd's `Variable` field
 * `grad = null` into `this.grad = exports.grad = null`, wiping the exported `grad` function.
 * No source maps: they would point at `src/` files the tarball does not ship.
 */
export function packageBuild(entry: string[] = ['src/index.ts']): Options {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    splitting: entry.length > 1,
    dts: true,
    sourcemap: false,
    clean: true,
    target: 'es2022',
  }) as Options;
}
