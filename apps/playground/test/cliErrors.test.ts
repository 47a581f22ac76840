/**
 * The CLI's answer to failures that are not the user's input (exit 1, one line; the stack trace
 * only with --verbose) and to a run that fails after others finished (their results are kept).
 * `runExperiment` is replaced here, so each failure can be made to happen on purpose.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaveError } from '@mtl/nn';
import { MtlError } from '@mtl/tensor';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import type { RunExperimentOptions } from '../src/experiment';
import type { ExperimentResults } from '../src/report/ExperimentResults';
import { runCli } from './runCli';

const runExperiment = vi.hoisted(() => vi.fn());
vi.mock('../src/experiment', () => ({ runExperiment }));
// writeFileAtomic as it is, unless a test makes it fail (a full disk).
const writeFileAtomic = vi.hoisted(() => vi.fn());
vi.mock('@mtl/nn', async (original) => {
  const nn = await original<typeof import('@mtl/nn')>();
  writeFileAtomic.mockImplementation(nn.writeFileAtomic);
  return { ...nn, writeFileAtomic };
});

const tmp = temporaryDirectories('mtl-cli-');

const one: ExperimentResults = {
  name: 'penguins',
  createdAt: '2026-01-01T00:00:00.000Z',
  config: {},
  tasks: [{ name: 'a', type: 'regression' }],
  methods: [
    {
      method: 'EW',
      metrics: { a: { mae: { mean: 1, std: 0 } } },
      deltaM: { mean: 1, std: 0 },
      msPerStep: 1,
      curves: { epochLoss: { a: [1] }, weights: { a: [1] }, cosine: null },
    },
  ],
};

describe('the CLI on failures that are not the input', () => {
  beforeEach(() => {
    runExperiment.mockReset();
  });

  it('prints one line and exit 1 for a bug, the stack trace only with --verbose', async () => {
    runExperiment.mockImplementation(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    const dir = tmp();
    const quiet = await runCli(['--out', dir]);
    expect(quiet).toEqual({
      code: 1,
      out: [],
      err: [
        "mtl-playground: internal error — TypeError: Cannot read properties of undefined (reading 'x') (rerun with --verbose for the stack trace)",
      ],
    });
    const verbose = await runCli(['--out', dir, '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.err.join('\n')).toMatch(/^TypeError: Cannot read properties.*\n\s+at /);
  });

  it('keeps the methods that finished when a later run diverges, and says so in one line, exit 2', async () => {
    runExperiment.mockImplementation((_config: unknown, options: RunExperimentOptions) => {
      options.onRun?.({ method: 'EW', seed: 0 });
      options.onResults?.(one);
      options.onRun?.({ method: 'PCGrad', seed: 0 });
      throw new MtlError(
        `Trainer: the loss of task "a" is NaN at step 3 (epoch 0); its last finite loss was 1e+30 — lower the learning rate, clip gradients, or pass onNonFinite: 'skip'`,
      );
    });
    const dir = tmp();
    const { code, out, err } = await runCli(['--out', dir]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'training EW (seed 0)…',
      'training PCGrad (seed 0)…',
      `kept the 1 method(s) that finished in ${join(dir, 'penguins.json')} and ${join(dir, 'penguins.html')}`,
      'mtl-playground: training diverged — Trainer: the loss of task "a" is NaN at step 3 (epoch 0); its last finite loss was 1e+30 — lower the learning rate, clip gradients (lower optimizer.lr, or change optimizer.options or methodOptions)',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'penguins.json'), 'utf8')).methods[0].method).toBe('EW');
    expect(existsSync(join(dir, 'penguins.html'))).toBe(true);
  });

  it('reports a full disk in one line, exit 2, naming the file', async () => {
    runExperiment.mockImplementation(() => one);
    writeFileAtomic.mockImplementationOnce(async (path: string) => {
      throw new SaveError(
        `results: could not write ${path} — ENOSPC: no space left on device, write; the file that was there before is unchanged`,
      );
    });
    const dir = tmp();
    const { code, err } = await runCli(['--out', dir]);
    expect(code).toBe(2);
    expect(err).toEqual([
      `mtl-playground: results: could not write ${join(dir, 'penguins.json')} — ENOSPC: no space left on device, write; the file that was there before is unchanged (choose another --out folder)`,
    ]);
  });
});
