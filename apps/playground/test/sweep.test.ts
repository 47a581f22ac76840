/**
 * Sweeps: the spec's checks, the settings (grid and seeded random draws), the runs and their
 * content keys, the result store (atomic, resumable), the choice of settings on validation, and
 * the CLI — in this thread (`--workers 1`) and as a real process with a pool of two workers,
 * interrupted by Ctrl-C and resumed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { ConfigError, parseConfig } from '../src/config';
import { expandSweep, type RunRequest, sweepSettings } from '../src/sweep/expandSweep';
import { ResultStore } from '../src/sweep/resultStore';
import { runLocally } from '../src/sweep/runLocally';
import { selectSettings } from '../src/sweep/selectSettings';
import { parseSweep } from '../src/sweep/sweepSpec';
import type { RunResult } from '../src/sweep/trainRun';
import { startCli, untimed } from './cliProcess';
import { runCli } from './runCli';

const tmp = temporaryDirectories('mtl-sweep-');

/** A sweep of 12 short runs: 2 learning rates × 2 seeds × (EW, PCGrad, the baselines). */
const TINY = {
  name: 'tiny-sweep',
  data: { dataset: 'penguins' },
  methods: ['ew', 'pcgrad'],
  epochs: 2,
  seeds: [0, 1],
  sweep: { grid: { 'optimizer.lr': [0.01, 0.003] } },
};

const expand = (raw: Record<string, unknown>, version = '0.0.0', dataKey = '') =>
  expandSweep(parseConfig(raw), raw, version, dataKey);

describe('the sweep section', () => {
  it.each([
    [{ grid: {}, bogus: 1 }, /sweep\.bogus: unknown field \(known: grid, random, select\)/],
    [
      { grid: { 'data.dataset': ['penguins'] } },
      /a sweep varies optimizer\.…, architecture\.…, methodOptions\.…, epochs, batchSize — not data/,
    ],
    [{ grid: { 'optimizer.lr': [] } }, /sweep\.grid\["optimizer\.lr"\]: list at least one value/],
    [{ grid: { 'optimizer.__proto__': [1] } }, /expected a field path/],
    [{ grid: { 'methodOptions.cagrad': [1] } }, /"methodOptions\.<method>\.<option>"/],
    [{}, /give sweep\.grid/],
    [
      { grid: { epochs: [1] }, select: 'accuracy' },
      /sweep\.select: expected "deltaM", "loss" or "<task>\.<metric>"/,
    ],
    [{ random: { samples: 2, ranges: { 'optimizer.lr': { min: 1, max: 0.1 } } } }, /min ≤ max/],
    [
      { random: { samples: 2, ranges: { 'optimizer.lr': { min: 0, max: 0.1, log: true } } } },
      /a log range needs min > 0/,
    ],
    [
      {
        grid: { 'optimizer.lr': [0.1] },
        random: { samples: 2, ranges: { 'optimizer.lr': { min: 0.01, max: 0.1 } } },
      },
      /also in sweep\.grid/,
    ],
  ])('refuses %j', (spec, message) => {
    expect(() => parseSweep(spec)).toThrow(ConfigError);
    expect(() => parseSweep(spec)).toThrow(message);
  });

  it('expands a grid into every combination, fields in sorted order', () => {
    const settings = sweepSettings(parseSweep({ grid: { 'optimizer.lr': [0.1, 0.01], epochs: [1, 2, 3] } }));
    expect(settings).toHaveLength(6);
    expect(settings[0]).toEqual({ epochs: 1, 'optimizer.lr': 0.1 });
    expect(Object.keys(settings[5]!)).toEqual(['epochs', 'optimizer.lr']);
  });

  it('draws random settings from the ranges, seeded: log-uniform within bounds, integers rounded', () => {
    const spec = (seed: number) =>
      parseSweep({
        grid: { epochs: [1, 2] },
        random: {
          samples: 50,
          seed,
          ranges: {
            'optimizer.lr': { min: 1e-4, max: 1e-1, log: true },
            batchSize: { min: 8, max: 64, integer: true },
          },
        },
      });
    const a = sweepSettings(spec(3));
    expect(a).toHaveLength(100);
    expect(sweepSettings(spec(3))).toEqual(a);
    expect(sweepSettings(spec(4))).not.toEqual(a);
    const lrs = a.map((s) => s['optimizer.lr'] as number);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // Log-uniform: about half the draws below the geometric middle (√(1e-4·1e-1) ≈ 3.2e-3).
    const below = lrs.filter((x) => x < Math.sqrt(1e-5)).length;
    expect(below).toBeGreaterThan(25);
    expect(below).toBeLessThan(75);
    expect(a.every((s) => Number.isInteger(s.batchSize))).toBe(true);
  });
});

describe('the runs of a sweep and their keys', () => {
  const raw = {
    ...TINY,
    methods: ['ew', 'cagrad'],
    sweep: { grid: { 'optimizer.lr': [0.01, 0.003], 'methodOptions.cagrad.calpha': [0.2, 0.5] } },
  };

  it('multiplies a method only by its own options, and the baselines by the shared fields', () => {
    const runs = expand(raw);
    const count = (kind: string, name: string) =>
      runs.filter((r) => r.kind === kind && r.name === name).length;
    expect(count('baselines', 'baselines')).toBe(2 * 2);
    expect(count('method', 'ew')).toBe(2 * 2);
    expect(count('method', 'cagrad')).toBe(4 * 2);
    expect(runs.find((r) => r.name === 'ew')!.setting).toEqual({ 'optimizer.lr': 0.01 });
    expect(new Set(runs.map((r) => r.key)).size).toBe(runs.length);
  });

  it('gives the same key to the same run, and a new key when anything it depends on changes', () => {
    const keyOf = (runs: RunRequest[], name: string, lr: number, seed: number) =>
      runs.find((r) => r.name === name && r.setting['optimizer.lr'] === lr && r.seed === seed)!.key;
    const base = keyOf(expand(raw), 'ew', 0.01, 1);
    expect(keyOf(expand(structuredClone(raw)), 'ew', 0.01, 1)).toBe(base);
    // Another method listed, another method's options, the grid's other fields: EW's run is the same.
    expect(keyOf(expand({ ...raw, methods: ['ew', 'cagrad', 'mgda'] }), 'ew', 0.01, 1)).toBe(base);
    expect(keyOf(expand({ ...raw, methodOptions: { cagrad: { rescale: 0 } } }), 'ew', 0.01, 1)).toBe(base);
    expect(keyOf(expand({ ...raw, name: 'renamed' }), 'ew', 0.01, 1)).toBe(base);
    // Empty options for the method are no options.
    expect(keyOf(expand({ ...raw, methodOptions: { ew: {} } }), 'ew', 0.01, 1)).toBe(base);
    for (const changed of [
      { ...raw, epochs: 3 },
      { ...raw, batchSize: 16 },
      { ...raw, seeds: [2, 1] },
      { ...raw, architecture: { hidden: [16] } },
      { ...raw, optimizer: { name: 'sgd' } },
      { ...raw, data: { dataset: 'penguins', split: [0.5, 0.25, 0.25] } },
    ])
      expect(keyOf(expand(changed), 'ew', 0.01, 1)).not.toBe(base);
    // CAGrad's own option changes CAGrad's key.
    const cagrad = (r: Record<string, unknown>) =>
      expand(r).find(
        (x) =>
          x.name === 'cagrad' &&
          x.setting['optimizer.lr'] === 0.01 &&
          x.seed === 1 &&
          x.setting['methodOptions.cagrad.calpha'] === 0.2,
      )!.key;
    expect(cagrad({ ...raw, methodOptions: { cagrad: { rescale: 0 } } })).not.toBe(cagrad(raw));
    expect(keyOf(expand(raw, '0.1.0'), 'ew', 0.01, 1)).not.toBe(base);
    expect(keyOf(expand(raw, '0.0.0', 'another data file'), 'ew', 0.01, 1)).not.toBe(base);
    expect(keyOf(expand(raw), 'ew', 0.003, 1)).not.toBe(base);
    expect(keyOf(expand(raw), 'ew', 0.01, 0)).not.toBe(base);
  });

  it('names the setting that makes a bad config, and refuses what a sweep cannot compare', () => {
    expect(() => expand({ ...TINY, sweep: { grid: { 'optimizer.lr': [0.01, -1] } } })).toThrow(
      /sweep setting \{optimizer\.lr=-1\}: optimizer\.lr/,
    );
    expect(() => expand({ ...TINY, optimizers: ['adam', 'sgd'] })).toThrow(/vary "optimizer\.name"/);
    const plain = { ...TINY, sweep: undefined };
    expect(() => expand(plain)).toThrow(/no "sweep" section/);
  });
});

/** A result of a method run with these validation and test accuracies on one task. */
function result(request: RunRequest, val: number, test: number, error?: string): RunResult {
  const metrics = (acc: number) => ({ t: { loss: 1 - acc, accuracy: acc } });
  return {
    key: request.key,
    kind: request.kind,
    name: request.name,
    setting: request.setting,
    seed: request.seed,
    validation: error === undefined ? metrics(val) : null,
    test: error === undefined ? metrics(test) : null,
    msPerStep: 1,
    seconds: 1,
    ...(error === undefined ? {} : { error }),
    finishedAt: '',
  };
}

describe('choosing settings on validation', () => {
  const runs = expand(TINY);
  const lr = (r: RunRequest) => r.setting['optimizer.lr'];

  it('takes the setting with the best validation criterion and reports its test metrics', () => {
    // EW validates best at 0.003 and PCGrad at 0.01; test numbers differ so the report shows which was taken.
    const results = runs.map((r) => {
      if (r.kind === 'baselines') return result(r, lr(r) === 0.01 ? 0.8 : 0.7, 0.75);
      const good = r.name === 'ew' ? lr(r) === 0.003 : lr(r) === 0.01;
      return result(r, good ? 0.9 : 0.6, good ? 0.85 + 0.01 * r.seed : 0.5);
    });
    for (const select of ['deltaM', 't.accuracy', 'loss']) {
      const s = selectSettings(runs, results, select, ['ew', 'pcgrad']);
      const ew = s.methods.find((m) => m.method === 'ew')!;
      const pcgrad = s.methods.find((m) => m.method === 'pcgrad')!;
      expect(ew.chosen).toEqual({ 'optimizer.lr': 0.003 });
      expect(pcgrad.chosen).toEqual({ 'optimizer.lr': 0.01 });
      expect(ew.test!.t!.accuracy!.mean).toBeCloseTo(0.855, 12);
      expect(ew.test!.t!.accuracy!.std).toBeCloseTo(0.005, 12);
    }
    const s = selectSettings(runs, results, 'deltaM', ['ew', 'pcgrad']);
    // The baseline is tuned on its validation loss (lr 0.01, accuracy 0.8): Δm of 0.9 is +12.5 %.
    expect(s.baselines!.t!.setting).toEqual({ 'optimizer.lr': 0.01 });
    expect(
      s.methods[0]!.settings.find((x) => x.setting['optimizer.lr'] === 0.003)!.criterion!.mean,
    ).toBeCloseTo(12.5, 10);
    expect(s.methods[0]!.testDeltaM!.mean).toBeCloseTo(((0.855 - 0.75) / 0.75) * 100, 10);
  });

  it('leaves out a setting with a failed seed and lists the failure', () => {
    const results = runs.map((r) =>
      r.name === 'ew' && lr(r) === 0.003 && r.seed === 1
        ? result(r, 0, 0, 'MtlError: the loss of task "t" is NaN')
        : result(r, lr(r) === 0.003 ? 0.9 : 0.6, 0.5),
    );
    const s = selectSettings(runs, results, 't.accuracy', ['ew', 'pcgrad']);
    expect(s.methods[0]!.chosen).toEqual({ 'optimizer.lr': 0.01 });
    expect(s.methods[0]!.settings[1]!.unavailable).toMatch(
      /seed 1 failed: MtlError: the loss of task "t" is NaN/,
    );
    expect(s.failed).toEqual([
      {
        name: 'ew',
        setting: { 'optimizer.lr': 0.003 },
        seed: 1,
        error: 'MtlError: the loss of task "t" is NaN',
      },
    ]);
  });
});

describe('the result store and resuming', () => {
  it('trains only the runs it does not hold, and reads back the others (a torn or foreign file is not a result)', async () => {
    const runs = expand(TINY);
    const store = await new ResultStore(join(tmp(), 'runs')).open();
    const first = await runLocally(runs.slice(0, 5), store, { workers: 1 });
    expect(first).toMatchObject({ trained: 5, reused: 0 });
    writeFileSync(store.path(runs[5]!.key), '{"key": "');
    writeFileSync(store.path(runs[6]!.key), JSON.stringify({ ...first.results[0], key: 'another' }));
    const seen: string[] = [];
    const second = await runLocally(runs, store, { workers: 1, onResult: (r) => seen.push(r.key) });
    expect(second).toMatchObject({ trained: runs.length - 5, reused: 5 });
    expect(seen).toEqual(runs.slice(5).map((r) => r.key));
    expect(second.results.slice(0, 5)).toEqual(first.results.slice(0, 5));
    expect(readdirSync(store.dir).filter((f) => !f.endsWith('.json'))).toEqual([]);
    // A stored failure is tried again (the file it missed may be there now).
    await store.write({
      ...second.results[0]!,
      validation: null,
      test: null,
      error: 'DatasetError: no file',
    });
    const third = await runLocally(runs, store, { workers: 1 });
    expect(third).toMatchObject({ trained: 1, reused: runs.length - 1 });
    expect(third.results[0]).toMatchObject({ validation: first.results[0]!.validation });
  });
});

describe('mtl-playground sweep', () => {
  const config = (dir: string, raw: object = TINY) => {
    const file = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(raw));
    return file;
  };

  it('runs in this thread with --workers 1, prints the comparison, writes it, and reuses every run the second time', async () => {
    const dir = tmp();
    const file = config(dir);
    const first = await runCli(['sweep', file, '--workers', '1', '--out', join(dir, 'results')]);
    expect(first.err.join('\n')).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    const text = first.out.join('\n');
    expect(text).toMatch(/tiny-sweep: 12 runs \(12 trained, 0 reused\) on 1 worker/);
    expect(text).toMatch(/EW: lr=0\.0(1|03) — lr=0\.01 -?\d/);
    const saved = JSON.parse(readFileSync(join(dir, 'results', 'tiny-sweep.sweep.json'), 'utf8'));
    expect(saved.runs).toHaveLength(12);
    expect(saved.selection.methods.map((m: { method: string }) => m.method)).toEqual(['ew', 'pcgrad']);
    const html = readFileSync(join(dir, 'results', 'tiny-sweep.sweep.html'), 'utf8');
    expect(html).toMatch(/<h2 id="s-sensitivity">Sensitivity<\/h2>/);
    expect(html).toMatch(/<svg class="chart"[^>]*>.*<title[^>]*>optimizer\.lr<\/title>/s);
    expect(html).toMatch(/>0\.003<\/text>.*>0\.01<\/text>/s);
    expect(html).toMatch(/<th scope="row">PCGrad<\/th><td class="text">lr=0\.0(1|03)<\/td>/);
    expect(html).not.toMatch(/<script/);
    expect(text).toMatch(/wrote .*tiny-sweep\.sweep\.json and .*tiny-sweep\.sweep\.html/);
    const again = await runCli(['sweep', file, '--workers', '1', '--out', join(dir, 'results'), '--json']);
    expect(again.code).toBe(0);
    expect(again.err.join('\n')).toMatch(/reused 12 stored runs/);
    expect(JSON.parse(again.out[0]!)).toEqual(saved.selection);
  });

  it('refuses a config without a sweep, --queue outside sweep, and the CAGrad toy', async () => {
    const dir = tmp();
    const plain = await runCli(['sweep', config(dir, { ...TINY, sweep: null }), '--out', dir]);
    expect(plain).toMatchObject({ code: 2 });
    expect(plain.err.join('\n')).toMatch(/no "sweep" section/);
    const queued = await runCli(['run', config(dir), '--queue', 'redis://localhost:6379', '--out', dir]);
    expect(queued.err.join('\n')).toMatch(/--queue is for sweep and worker/);
    const toy = await runCli([
      'sweep',
      config(dir, { ...TINY, data: { dataset: 'cagradToy' }, methods: ['ew'] }),
      '--out',
      dir,
    ]);
    expect(toy.err.join('\n')).toMatch(/the CAGrad toy has no validation split/);
    for (const [select, message] of [
      ['wings.accuracy', /sweep\.select: there is no task "wings" — the tasks are species, sex, bodyMass/],
      ['species.wingspan', /"wingspan" is not a metric whose direction is known/],
    ] as const) {
      const wrong = await runCli([
        'sweep',
        config(dir, { ...TINY, sweep: { ...TINY.sweep, select } }),
        '--out',
        dir,
      ]);
      expect(wrong.code).toBe(2);
      expect(wrong.err.join('\n')).toMatch(message);
    }
    const bad = await runCli(['sweep', config(dir), '--workers', 'two', '--out', dir]);
    expect(bad.err.join('\n')).toMatch(/--workers: expected an integer from 1 to 256, got "two"/);
  });

  it('runs a comparison (run) on two worker processes with the same table, curves and Δm as in one thread', async () => {
    const dir = tmp();
    const args = ['run', '--epochs', '2', '--methods', 'ew,pcgrad,uw', '--set', 'seeds=[0,1]', '--json'];
    const pooled = await startCli([...args, '--workers', '2', '--out', join(dir, 'pool')]).done;
    expect(pooled.code).toBe(0);
    expect(pooled.err).toMatch(/trained PCGrad \(seed 1\): \d/);
    const inThread = await runCli([...args, '--workers', '1', '--out', join(dir, 'thread')]);
    expect(untimed(pooled.out)).toEqual(untimed(inThread.out[0]!));
  }, 120_000);

  it('trains on a pool of two worker processes with the same numbers as one thread, stops on Ctrl-C keeping what finished, and resumes', async () => {
    const dir = tmp();
    const file = config(dir, { ...TINY, epochs: 3 });
    // Interrupted once two runs are stored.
    let interrupted = false;
    const run = startCli(['sweep', file, '--workers', '2', '--out', join(dir, 'pool')], (line) => {
      if (!interrupted && /^\[2\/12\]/.test(line)) {
        interrupted = true;
        run.child.kill('SIGINT');
      }
    });
    const stopped = await run.done;
    expect(stopped.err).toMatch(/stopping — the runs in flight are dropped/);
    expect(stopped.code).toBe(130);
    const kept = readdirSync(join(dir, 'pool', 'runs')).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(12);
    expect(stopped.err).toMatch(new RegExp(`stopped: ${kept} of 12 runs are stored`));
    const resumed = await startCli(['sweep', file, '--workers', '2', '--out', join(dir, 'pool'), '--json'])
      .done;
    expect(resumed.err).toMatch(new RegExp(`reused ${kept} stored run`));
    expect(resumed.code).toBe(0);
    const inThread = await runCli(['sweep', file, '--workers', '1', '--out', join(dir, 'thread'), '--json']);
    expect(untimed(resumed.out)).toEqual(untimed(inThread.out[0]!));
  }, 120_000);
});
