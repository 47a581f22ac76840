import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { main } from './cli';
import { nameFrom, parseConfig } from './config';
import { loadData } from './prepare';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

async function run(args: string[], cwd?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => {
      out.push(s);
    },
    (s) => {
      err.push(s);
    },
    1,
    cwd,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = temporaryDirectories('mtl-playground-');

describe('mtl-playground CLI', () => {
  it('runs the default experiment (short), prints the table and writes the JSON and HTML report', async () => {
    const dir = tmp();
    const { code, out, err } = await run([
      '--epochs',
      '2',
      '--seed',
      '0',
      '--methods',
      'ew,pcgrad',
      '--out',
      dir,
    ]);
    expect(code).toBe(0);
    expect(err).toContain('training PCGrad (seed 0)');
    // The name once, counts in words; one seed: means without "±0.000".
    expect(out).toMatch(
      /^\npenguins: species \(multiclass\), sex \(binary\), bodyMass \(regression\); 1 seed, 2 epochs — /,
    );
    expect(out).toContain('Test metrics (seed 0); Δm in % against the single-task baselines');
    expect(out).toMatch(/\nmethod\s+species\.accuracy/);
    expect(out).toMatch(/\nPCGrad\s+0\.\d{3}\s+0\.\d{3}\s/);
    expect(out).not.toContain('±');
    // The baselines Δm is relative to, in rows of their own.
    expect(out).toMatch(/\nspecies alone\s+0\.\d{3}\s+0\.\d{3}\s+ref\s/);
    expect(out).toMatch(/\nbodyMass alone\s+\d+\.\d{3}\s+\d+\.\d{3}\s+0\.\d{3}\s+ref\s/);
    expect(out).toContain(`wrote ${join(dir, 'penguins.json')} and ${join(dir, 'penguins.html')}`);
    expect(existsSync(join(dir, 'penguins.html'))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'penguins.json'), 'utf8'));
    expect(json.methods.map((m: { method: string }) => m.method)).toEqual(['EW', 'PCGrad']);
    expect(json.baselines.map((b: { label: string }) => b.label)).toEqual([
      'species alone',
      'sex alone',
      'bodyMass alone',
    ]);
    expect(Object.keys(json.baselines[0].metrics)).toEqual(['loss', 'accuracy', 'f1']);
  }, 120_000);

  it('names results after the data or the config file, and resolves paths where the command was typed', async () => {
    const home = tmp();
    const args = ['--epochs', '1', '--seed', '0', '--methods', 'ew'];
    // Another dataset, no name: the dataset's name, not "penguins".
    const related = await run([...args, '--set', 'data.dataset=relatedTasks', '--out', 'out'], home);
    expect(related.code).toBe(0);
    expect(related.out).toMatch(/^\nrelatedTasks: task0 \(regression\)/);
    expect(related.out).toContain(`wrote ${join(home, 'out', 'relatedTasks.json')}`);
    expect(existsSync(join(home, 'out', 'relatedTasks.html'))).toBe(true);
    // A config file without a name: the file's name; a relative path from `cwd`.
    writeFileSync(join(home, 'my-config.json'), JSON.stringify({ epochs: 1, seeds: [0], methods: ['ew'] }));
    const mine = await run(['run', 'my-config.json'], home);
    expect(mine.code).toBe(0);
    expect(mine.out).toMatch(/^\nmy-config \(penguins\): /);
    expect(mine.out).toContain(`wrote ${join(home, 'results', 'my-config.json')}`);
    // A missing file: its absolute path and why.
    expect((await run(['run', 'missing.json'], home)).err).toBe(
      `mtl-playground: cannot read the config file ${join(home, 'missing.json')} — no such file or folder`,
    );
  }, 120_000);

  it('--json prints the results as one JSON document', async () => {
    const { code, out } = await run([
      '--epochs',
      '1',
      '--seed',
      '0',
      '--methods',
      'ew',
      '--out',
      tmp(),
      '--json',
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(out);
    expect(Object.keys(results)).toEqual(['name', 'createdAt', 'config', 'tasks', 'baselines', 'methods']);
    expect(results.tasks).toEqual([
      { name: 'species', type: 'multiclass' },
      { name: 'sex', type: 'binary' },
      { name: 'bodyMass', type: 'regression' },
    ]);
    expect(results.methods[0].metrics.bodyMass.mae.mean).toBeGreaterThan(10); // grams, not standardised units
  }, 120_000);

  it('runs a config file, and names a bad field, a missing file and bad JSON with a non-zero exit', async () => {
    const dir = tmp();
    const good = join(dir, 'related.json');
    writeFileSync(
      good,
      JSON.stringify({
        name: 'related',
        data: { dataset: 'relatedTasks', options: { tasks: 3, conflict: 0.5 } },
        methods: ['ew'],
        epochs: 1,
        seeds: [0],
      }),
    );
    expect((await run(['run', good, '--out', dir])).code).toBe(0);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ optimizer: { name: 'adam', lr: -1 } }));
    expect(await run(['run', bad])).toMatchObject({
      code: 2,
      err: expect.stringContaining('optimizer.lr: expected a number > 0, got -1'),
    });
    expect(await run(['run', join(dir, 'nope.json')])).toMatchObject({
      code: 2,
      err: expect.stringContaining('cannot read the config file'),
    });
    writeFileSync(join(dir, 'broken.json'), '{');
    expect((await run(['run', join(dir, 'broken.json')])).err).toContain('is not valid JSON');
    expect((await run(['--frobnicate', '1'])).err).toContain('unknown option --frobnicate');
  }, 120_000);

  it('prints its usage for --help, also as a process (how pnpm start runs it)', () => {
    const text = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@mtl/source', cli, '--help'],
      { encoding: 'utf8' },
    );
    expect(text).toMatch(/^usage: mtl-playground/);
  });
});

describe('experiment config', () => {
  it('fills every default', () => {
    expect(parseConfig({}).methods).toContain('upgrad');
    expect(parseConfig({ epochs: 3 }).epochs).toBe(3);
  });

  it('names an unnamed experiment after its data', () => {
    expect(parseConfig({}).name).toBe('penguins');
    expect(parseConfig({ data: { dataset: 'mmoeSynthetic' } }).name).toBe('mmoeSynthetic');
    const file = (path: string) => ({
      data: { dataset: 'file', file: { path, features: ['x'], tasks: { y: 'regression' } } },
    });
    expect(parseConfig(file('data/my penguins.csv')).name).toBe('my penguins');
    expect(parseConfig(file('C:\\data\\runs.v2.tsv')).name).toBe('runs.v2');
    expect(parseConfig(file('.hidden')).name).toBe('experiment');
    expect(parseConfig({ ...file('a.csv'), name: 'mine' }).name).toBe('mine');
    expect(nameFrom('we:ird*?.json')).toBe('we_ird__');
    expect(nameFrom(`${'é'.repeat(80)}.json`)).toBe('é'.repeat(48));
  });

  it("takes the GradNorm toy's task scales, and any task count", () => {
    const config = parseConfig({ data: { dataset: 'gradNormToy', options: { sigmas: [1, 10, 50] } } });
    expect(config.data.options).toEqual({ sigmas: [1, 10, 50] });
    const data = loadData(config);
    expect(Object.keys(data.labels)).toEqual(['task0', 'task1', 'task2']);
    const four = loadData(
      parseConfig({ data: { dataset: 'gradNormToy', options: { tasks: 4, samples: 8 } } }),
    );
    expect(Object.keys(four.labels)).toHaveLength(4);
  });

  it.each([
    [{ colour: 'red' }, 'config.colour: unknown field'],
    [
      { data: { dataset: 'mnist' } },
      'data.dataset: expected one of penguins, relatedTasks, gradNormToy, mmoeSynthetic, multiFashion, multiMnist, multiFashionMnist, cagradToy, file, got "mnist"',
    ],
    [{ data: { split: [0.5, 0.5, 0.5] } }, 'data.split: expected three fractions'],
    [
      { data: { dataset: 'gradNormToy', options: { tasks: 4, sigmas: [1, 10, 50] } } },
      'data.options.sigmas: 3 scales for tasks=4 — give one per task (or leave tasks out)',
    ],
    [
      { data: { dataset: 'gradNormToy', options: { sigmas: [1, -2] } } },
      'data.options.sigmas[1]: expected a number > 0, got -2',
    ],
    [
      { data: { dataset: 'gradNormToy', options: { sigmas: 5 } } },
      'data.options.sigmas: expected a list of task scales, one per task (e.g. [1, 10, 100]), got 5',
    ],
    [
      { data: { dataset: 'relatedTasks', options: { sigmas: [1, 2] } } },
      'data.options.sigmas: unknown field',
    ],
    [{ methods: ['ew', 'magic'] }, 'methods[1]: expected one of'],
    [{ epochs: 0 }, 'epochs: expected an integer from 1 to 100000, got 0'],
    [
      { architecture: { hidden: [32, 'big'] } },
      'architecture.hidden[1]: expected an integer from 1 to 4096, got "big"',
    ],
    [{ optimizer: { name: 'lbfgs' } }, 'optimizer.name: expected one of adam'],
    [{ data: { dataset: 'relatedTasks', options: { clusters: 3 } } }, 'data.options.clusters: unknown field'],
    [{ data: { dataset: 'file' } }, 'data.file: dataset "file" needs { path, features, tasks }'],
    [
      { data: { file: { path: 'a.csv', features: ['x'], tasks: { y: 'ordinal' } } } },
      'data.file.tasks.y: expected one of regression, binary, multiclass',
    ],
    [
      { data: { file: { path: 'a.csv', features: ['x'], tasks: { 'body.mass': 'regression' } } } },
      `data.file.tasks["body.mass"]: a task column's name is its head's name in the model and may not contain '.' (rename the column, e.g. "body_mass")`,
    ],
    [
      { architecture: { type: 'transformer' } },
      'architecture.type: expected one of hps, mmoe, cgc, ple, crossstitch',
    ],
    [
      { architecture: { type: 'mmoe', experts: 0 } },
      'architecture.experts: expected an integer from 1 to 64, got 0',
    ],
    [{ optimizer: { options: { momentun: 0.9 } } }, 'optimizer.options: Adam: unknown option "momentun"'],
    [
      { optimizer: { options: { betas: [0.9, 2] } } },
      'optimizer.options: Adam: betas[1] must be in [0, 1) — got 2',
    ],
    [{ optimizer: { schedule: { type: 'cyclic' } } }, 'optimizer.schedule.type: expected one of none, step'],
    [
      { methodOptions: { cagrad: { c: 0.4 } } },
      'methodOptions.cagrad.c: unknown field (known: updateWeightsEvery, calpha, rescale)',
    ],
    [
      { methodOptions: { cagrad: { rescale: 5 } } },
      'methodOptions.cagrad: CAGrad: rescale must be one of 0, 1, 2 — got 5',
    ],
    [{ methods: ['ew', 'ew'] }, 'methods: a method is listed twice'],
    [{ optimizers: ['adam', 'lion'] }, 'optimizers[1]: expected one of'],
  ])('rejects %j', (config, message) => {
    expect(() => parseConfig(config)).toThrow(message);
  });
});
