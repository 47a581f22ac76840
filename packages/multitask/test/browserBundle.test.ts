/**
 * Every published package as a browser bundler sees it (Vite, for the browser, the other @mtl
 * packages external): no Node built-in in the bundle (the file helpers import theirs when they
 * run) and no warning, and within its size budget (the ES module Vite's library mode emits, not
 * compressed). The budgets are today's sizes plus about 15%: a jump past one is a change to look
 * at.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../tools/testing/browserBundle';

// Measured on 2026-12-07 (KB): tensor 207 (its WebAssembly module is embedded), autograd 53,
// optim 45, nn 70, multitask 178.
const BUDGET_KB: Record<string, number> = {
  tensor: 240,
  autograd: 62,
  optim: 52,
  nn: 80,
  multitask: 205,
};

describe('browser bundles', () => {
  for (const [name, budget] of Object.entries(BUDGET_KB)) {
    it(`@mtl/${name}: no Node built-in, no warning, at most ${budget} KB`, () => {
      const entry = fileURLToPath(new URL(`../../${name}/src/index.ts`, import.meta.url));
      const bundle = browserBundle(entry);
      expect(bundle.nodeImports).toEqual([]);
      expect(bundle.warnings).toEqual([]);
      expect(bundle.bytes / 1024).toBeLessThanOrEqual(budget);
    }, 120_000);
  }
});
