import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors } from '@mtl/nn';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../tools/testing/temporaryDirectories';
import { mmoeSyntheticCompare } from '../src/mmoeSyntheticCompare';
import {
  formatMultiFashionTable,
  multiFashionTable,
  recipeFolder,
  runMultiFashion,
} from '../src/multiFashionCompare';
import { penguinsCompare } from '../src/penguinsCompare';
import { saveForPyTorch } from '../src/saveForPyTorch';
import { seedModel } from '../src/seedModel';

const tmp = temporaryDirectories('mtl-examples-');

const quiet = () => undefined;

describe('examples', () => {
  it('the seed model learns its four tasks', () => {
    const results = seedModel({ epochs: 20, log: quiet });
    expect(Object.values(results).every((r) => r.r2! > 0.8)).toBe(true);
  }, 120_000);

  it('the penguins comparison runs (one seed, few epochs) and prints a table', () => {
    const lines: string[] = [];
    const comparison = penguinsCompare({ epochs: 3, seeds: [0], log: (s: string) => lines.push(s) });
    expect(comparison.rows.length).toBe(8);
    expect(lines[0]).toMatch(/^method/);
    // Body-mass errors in grams (penguins weigh 2.7–6.3 kg), not in standardised units.
    for (const row of comparison.rows) expect(row.metrics.bodyMass!.mae!.mean).toBeGreaterThan(50);
  }, 120_000);

  it('the MMoE synthetic comparison runs (one correlation, one seed, small data) with finite errors', () => {
    const rows = mmoeSyntheticCompare({
      correlations: [0.5],
      seeds: [0],
      samples: 500,
      epochs: 2,
      log: quiet,
    });
    expect(rows.map((r) => r.architecture)).toEqual(['HardSharing', 'MMoE', 'CGC']);
    for (const row of rows)
      for (const { mean } of Object.values(row.rmse)) expect(Number.isFinite(mean)).toBe(true);
  }, 120_000);

  it('saves a model with PyTorch names', () => {
    const path = join(tmp(), 'model.safetensors');
    const bytes = saveForPyTorch({ path, log: quiet });
    expect(Object.keys(loadSafetensors(bytes)).sort()).toEqual([
      'encoder.0.bias',
      'encoder.0.weight',
      'heads.task0.0.bias',
      'heads.task0.0.weight',
      'heads.task1.0.bias',
      'heads.task1.0.weight',
    ]);
  });

  // CI installs Debian's dataset-fashion-mnist.
  it.runIf(existsSync('/usr/share/datasets/fashion-mnist') || process.env.CI)(
    'the MultiFashion comparison saves each run, resumes without retraining, and tabulates Δm',
    async () => {
      const out = tmp();
      const recipe = { epochs: 1, trainSamples: 256, batchSize: 64, lr: 1e-3 };
      const options = { methods: ['EW', 'PCGrad'], seeds: [0], recipe, out, log: quiet };
      const first = await runMultiFashion(options);
      // Two single-task baselines, then the two methods.
      expect(first.map((r) => r.name)).toEqual(['left alone', 'right alone', 'EW', 'PCGrad']);
      expect(readdirSync(recipeFolder(out, recipe)).length).toBe(4);
      expect(await runMultiFashion(options)).toEqual([]);
      const table = multiFashionTable(out, recipe);
      expect(table.rows.map((r) => r.method)).toEqual(['EW', 'PCGrad']);
      for (const row of table.rows) expect(Number.isFinite(row.deltaM.mean)).toBe(true);
      expect(formatMultiFashionTable(table)).toMatch(/^\| method \| left accuracy % /);
    },
    120_000,
  );
});
