import { defineConfig } from 'vitest/config';

// `pnpm vitest` at the root runs every package in one process; `pnpm test` goes through turbo.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples'],
  },
});
