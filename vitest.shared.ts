import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Every package's vitest config: resolve workspace packages from source (the `@mtl/source`
 * export condition, listed before Vite's defaults), so tests need no build; write a JSON report
 * that `.ci/run` totals.
 */
export function mtlProject(name: string) {
  return defineConfig({
    resolve: { conditions: ['@mtl/source', ...defaultClientConditions] },
    ssr: { resolve: { conditions: ['@mtl/source', ...defaultServerConditions] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Memory tests call gc() before sampling the heap.
      execArgv: ['--expose-gc'],
      // Two cores shared by turbo's parallel package runs: generous, so load never fails a test.
      testTimeout: 30_000,
      reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    },
  });
}
