/**
 * Issue 14: every bad input gets a clear error (exit 2, one line naming the field, or the file, row
 * and column), bounds make every run finish, and results already computed are kept.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { ConfigError, type FileData, parseConfig } from '../src/config';
import { loadData, prepareExperiment } from '../src/prepare';
import { type TableReport, tableColumns } from '../src/tabular';
import { csvCell, resultsCsv } from '../web/downloads';
import type { RunView } from '../web/runs';
import { configFromSearch } from '../web/urlConfig';
import { runCli } from './runCli';

const tmp = temporaryDirectories('mtl-reliability-');

const deep = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);

describe('config bounds', () => {
  it.each([
    [{ seeds: [1e308] }, 'seeds[0]: expected an integer from 0 to 4294967295, got 1e+308'],
    [{ seeds: Array(101).fill(0) }, 'seeds: expected at most 100 entries, got 101'],
    [{ epochs: 1e15 }, 'epochs: expected an integer from 1 to 100000, got 1000000000000000'],
    [{ batchSize: 65_537 }, 'batchSize: expected an integer from 1 to 65536, got 65537'],
    [
      { architecture: { hidden: [5000] } },
      'architecture.hidden[0]: expected an integer from 1 to 4096, got 5000',
    ],
    [
      { architecture: { hidden: Array(17).fill(2) } },
      'architecture.hidden: expected at most 16 entries, got 17',
    ],
    [
      { architecture: { type: 'mmoe', experts: 65 } },
      'architecture.experts: expected an integer from 1 to 64, got 65',
    ],
    [{ name: 'x'.repeat(300) }, 'name: the name becomes a file name, so it needs at most 100 characters'],
    [{ name: 'a\u0000b' }, 'name: the name becomes a file name, so it needs no control characters'],
    [
      { name: 'runs/a' },
      'name: the name becomes a file name, so it needs no control characters and none of /',
    ],
    [{ name: '..' }, 'name: the name becomes a file name, so it needs no dot or space at the start or end'],
    [
      { data: { dataset: 'relatedTasks', options: { tasks: 0 } } },
      'data.options.tasks: expected an integer from 1 to 64, got 0',
    ],
    [
      { data: { dataset: 'relatedTasks', options: { samples: 2e6 } } },
      'data.options.samples: expected an integer from 1 to 1000000, got 2000000',
    ],
    [
      { data: { dataset: 'gradNormToy', options: { samples: 100_000 } } },
      'data.options.samples: 100000 samples of 450 values each make 45000000 numbers, more than the 33554432 allowed',
    ],
    [
      { architecture: { type: 'mmoe', hidden: [] } },
      'architecture.hidden: MMoE needs at least one hidden layer',
    ],
    [
      { architecture: { hidden: [] }, methods: ['ew', 'pcgrad'] },
      "architecture.hidden: PCGrad combines the tasks' gradients of the shared layers, and an empty hidden list has none",
    ],
    [
      { data: { dataset: 'cagradToy' }, methods: ['ew', 'stch'] },
      'methods[1]: STCH takes logarithms of the losses',
    ],
    [{ optimizers: ['sgd', 'sgd'] }, 'optimizers: an optimizer is listed twice'],
    [
      { methodOptions: { nashmtl: { maxIter: 1e9 } } },
      'methodOptions.nashmtl.maxIter: expected a number from',
    ],
    [
      { data: { file: { path: 'a.csv', features: ['x'], tasks: { y: 'regression' }, dropBadRows: 1 } } },
      'data.file.dropBadRows: expected true or false, got 1',
    ],
  ])('refuses %j', (config, message) => {
    expect(() => parseConfig(config)).toThrow(ConfigError);
    expect(() => parseConfig(config)).toThrow(message);
  });

  it('refuses a config nested 6,000 deep with a ConfigError, not a RangeError', () => {
    expect(() => parseConfig({ data: { options: deep(6000) } })).toThrow(
      /^config\.data\.options\.a\.a.*: the config is nested more than 16 levels deep; an experiment config is at most 5/,
    );
    const methods = JSON.parse(`${'['.repeat(6000)}${']'.repeat(6000)}`);
    expect(() => parseConfig({ methods })).toThrow(
      /^config\.methods\[0\]\[0\].*: the config is nested more than 16 levels deep/,
    );
  });

  it('accepts what real use needs', () => {
    expect(parseConfig({ name: 'café ☕', architecture: { hidden: [] }, methods: ['ew', 'uw'] }).name).toBe(
      'café ☕',
    );
    expect(parseConfig({ name: 'x'.repeat(100), epochs: 100_000, seeds: [4_294_967_295] }).epochs).toBe(
      100_000,
    );
    expect(
      parseConfig({ architecture: { type: 'ple', hidden: [4096], experts: 64, levels: 8 } }).architecture
        .experts,
    ).toBe(64);
  });

  it("turns a dataset generator's own message into a ConfigError naming the option", () => {
    const load = (options: object, dataset = 'relatedTasks') =>
      loadData(parseConfig({ data: { dataset, options } }));
    expect(() => load({ tasks: 2, features: 3 })).toThrow(
      'data.options.features: relatedTasks: need features >= 2·sharedFactors + tasks·taskFactors = 12',
    );
    expect(() => load({ conflict: 2 })).toThrow(
      'data.options.conflict: relatedTasks: conflict must be in [0, 1]',
    );
    // gradNormToy with more than two tasks gets σ spread from 1 to 100 instead of failing.
    const four = load({ tasks: 4, samples: 20, inputDim: 3, outputDim: 2 }, 'gradNormToy');
    expect(Object.keys(four.labels)).toEqual(['task0', 'task1', 'task2', 'task3']);
  });

  it('refuses a model too large to train', () => {
    const config = parseConfig({ architecture: { type: 'mmoe', hidden: [4096, 4096], experts: 64 } });
    expect(() => prepareExperiment(config, loadData(config))).toThrow(
      /^architecture: the MMoE model would have about 1\.\d+e\+9 parameters for \d+ inputs and 3 tasks, more than the 16777216 allowed/,
    );
  });
});

describe('a table from a file, strictly', () => {
  const file: FileData = { path: 'birds.csv', features: ['wing', 'island'], tasks: { mass: 'regression' } };
  const rows = (wing: string[]) =>
    `wing,island,mass\n${wing.map((w, i) => `${w},${i % 2 ? 'Dream' : 'Biscoe'},${i + 1}`).join('\n')}\n`;

  it('refuses a stray text cell in a numeric column, naming file, row and column', () => {
    expect(() => tableColumns(rows(['1', '2', 'abc', '4']), file)).toThrow(
      'birds.csv: row 3 (line 4), column "wing": "abc" is not a number (the column\'s other cells are numbers; numbers are decimal, like 12.5) — fix the cell, leave it empty for a missing value, or set data.file.dropBadRows: true to drop such rows',
    );
  });

  it('drops such rows with dropBadRows, and says how many', () => {
    const report: TableReport = { missing: 0, dropped: 0 };
    const data = tableColumns(rows(['1', '2', 'abc', '4', '#N/A']), { ...file, dropBadRows: true }, report);
    expect(data.features.shape).toEqual([3, 3]);
    expect(data.featureNames).toEqual(['wing', 'island=Biscoe', 'island=Dream']);
    expect(report).toMatchObject({
      dropped: 2,
      firstDropped: 'row 3 (line 4), column "wing": "abc" is not a number',
    });
  });

  it('reads numbers as decimal only: 0x10 is not 16', () => {
    expect(() => tableColumns(rows(['1', '0x10', '3']), file)).toThrow(
      'row 2 (line 3), column "wing": "0x10" is not a number',
    );
    // In a text column it is just a category.
    const text = tableColumns('wing,island,mass\n1,0x10,1\n2,A,2\n', file);
    expect(text.featureNames).toEqual(['wing', 'island=0x10', 'island=A']);
  });

  it('works with a task column called __proto__ (and constructor)', () => {
    const csv = 'wing,__proto__,constructor\n1,2,a\n2,3,b\n3,4,a\n';
    const data = tableColumns(csv, {
      path: 'p.csv',
      features: ['wing'],
      tasks: JSON.parse('{"__proto__": "regression", "constructor": "binary"}'),
    });
    expect(Object.keys(data.labels)).toEqual(['__proto__', 'constructor']);
    expect(Array.from(Object.getOwnPropertyDescriptor(data.labels, '__proto__')!.value.data)).toEqual([
      2, 3, 4,
    ]);
    expect(
      Object.keys(
        parseConfig({
          data: { file: { path: 'p.csv', features: ['w'], tasks: JSON.parse('{"__proto__": "binary"}') } },
        }).data.file!.tasks,
      ),
    ).toEqual(['__proto__']);
  });

  it('refuses object cells in a used column, naming file, row and column', () => {
    const json = JSON.stringify([
      { wing: 1, island: 'A', mass: 1, meta: { a: 1 } },
      { wing: { cm: 2 }, island: 'B', mass: 2 },
    ]);
    expect(() => tableColumns(json, { ...file, path: 'birds.json' })).toThrow(
      'birds.json: row 2, column "wing": {"cm":2} is not a number, text, true/false or null',
    );
    // An unused column may hold anything.
    const ok = JSON.stringify([{ wing: 1, island: 'A', mass: 1, meta: { a: 1 } }]);
    expect(tableColumns(ok, { ...file, path: 'birds.json' }).features.shape).toEqual([1, 2]);
  });

  it.each([
    ['', 'birds.csv: the file is empty'],
    ['wing,island,mass\n', 'birds.csv: the table has no data rows'],
    ['wing,wing,mass\n1,2,3\n', 'birds.csv: the header names column "wing" twice'],
    ['wing,island,mass\n1,A\n', 'birds.csv: row 1 (line 2) has 2 fields, the header has 3'],
  ])('names what is wrong in %j', (text, message) => {
    expect(() => tableColumns(text, file)).toThrow(message);
  });
});

describe('the CLI', () => {
  it('says what --epochs got, in one line, exit 2', async () => {
    const { code, out, err } = await runCli(['--epochs', 'abc']);
    expect({ code, out, err }).toEqual({
      code: 2,
      out: [],
      err: ['mtl-playground: --epochs: expected an integer from 1 to 100000, got "abc"'],
    });
  });

  it('checks --out before training', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), '');
    const { code, err } = await runCli(['--epochs', '1', '--out', join(dir, 'file', 'sub')]);
    expect(code).toBe(2);
    expect(err).toEqual([
      `mtl-playground: --out: cannot create the folder ${join(dir, 'file', 'sub')} — a part of the path is not a folder; choose another --out`,
    ]);
  });

  it('reports Δm as n/a with the reason when a baseline metric is 0, and writes everything atomically', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 2 ? 'a' : 'b'},5,${i % 3 ? 'y' : 'n'}`);
    writeFileSync(join(dir, 'flat.csv'), `x,colour,target,flag\n${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'flat.json'),
      JSON.stringify({
        name: 'flat',
        data: {
          dataset: 'file',
          file: {
            path: 'flat.csv',
            features: ['x', 'colour'],
            tasks: { target: 'regression', flag: 'binary' },
          },
        },
        methods: ['ew'],
        epochs: 1,
        seeds: [0],
      }),
    );
    const out = join(dir, 'out');
    const result = await runCli(['run', join(dir, 'flat.json'), '--out', out]);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain(
      'Δm of EW is n/a: baseline target.r2 is 0, and Δm is relative to the baseline',
    );
    expect(result.out.join('\n')).toMatch(/\nEW\s+.*\sn\/a\s/);
    const json = JSON.parse(readFileSync(join(out, 'flat.json'), 'utf8'));
    expect(json.methods[0]).toMatchObject({
      deltaM: null,
      deltaMUnavailable: expect.stringContaining('target.r2 is 0'),
    });
    expect(readFileSync(join(out, 'flat.html'), 'utf8')).toContain('Δm of EW is n/a');
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(out).sort()).toEqual(['flat.html', 'flat.json']);
  }, 60_000);

  it('trains a task column called __proto__ end to end', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i % 7) * 2 + (i % 3)}`);
    writeFileSync(join(dir, 'p.csv'), `x,__proto__\n${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'p.json'),
      `{"name":"p","data":{"dataset":"file","file":{"path":"p.csv","features":["x"],"tasks":{"__proto__":"regression"}}},"methods":["ew"],"epochs":1,"seeds":[0]}`,
    );
    const { code, out, err } = await runCli([
      'run',
      join(dir, 'p.json'),
      '--out',
      join(dir, 'out'),
      '--json',
    ]);
    expect(err.at(-1)).toBe('training EW (seed 0)…');
    expect(code).toBe(0);
    const results = JSON.parse(out.join('\n'));
    expect(results.tasks).toEqual([{ name: '__proto__', type: 'regression' }]);
    expect(Object.keys(results.methods[0].metrics)).toEqual(['__proto__']);
    expect(existsSync(join(dir, 'out', 'p.html'))).toBe(true);
  }, 60_000);
});

describe('the web page’s inputs', () => {
  it('neutralises formula-leading text cells in the CSV download, keeping numbers numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell('+2e-3')).toBe('+2e-3');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('a=b')).toBe('a=b');
    const run = {
      spec: { label: '=cmd|" /C calc"!A0' },
      status: 'done',
      metrics: { '-t': { mae: -0.5 } },
      msPerStep: 1,
    };
    expect(resultsCsv([run as unknown as RunView])).toBe(
      `run,status,'-t.mae,deltaM,msPerStep\n"'=cmd|"" /C calc""!A0",done,-0.5,,1\n`,
    );
  });

  it('shows a link nested thousands deep, or huge, as a ConfigError (the error banner), not a RangeError', () => {
    const link = (json: string) => `?config=${Buffer.from(json).toString('base64url')}`;
    expect(() =>
      configFromSearch(link(`{"data":{"options":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`)),
    ).toThrow(/^config\.data\.options\.a\.a.*: the config is nested more than 16 levels deep/);
    expect(() => configFromSearch(link(`{"methods":${'['.repeat(5000)}${']'.repeat(5000)}}`))).toThrow(
      ConfigError,
    );
    expect(() => configFromSearch(link(`{"name":"${'x'.repeat(200_000)}"}`))).toThrow(
      /the link’s config has \d+ characters, more than the 100000 a config needs/,
    );
    expect(() => configFromSearch(link('[1]'))).toThrow('config: expected an object, got [1]');
  });
});
