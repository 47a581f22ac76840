/**
 * The web page in a real browser: builds it with Vite, serves dist/ on localhost, and drives
 * Debian's Chromium with playwright-core. Off CI, the suite is skipped when Chromium is missing
 * (`apt-get install -y chromium`); on CI a missing browser fails it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFolders, serveDatasets } from '../src/serveDatasets';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const artifacts = join(root, 'test-results');
const available = existsSync(CHROMIUM);
const has = (name: 'fashion-mnist' | 'mnist') =>
  datasetFolders(name).some((f) => existsSync(join(f, 'train-images-idx3-ubyte.gz')));
const fashion = has('fashion-mnist');
const mnistPresent = has('mnist');
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

let server: Server;
let browser: Browser;
let base = '';

const encode = (config: object) => Buffer.from(JSON.stringify(config)).toString('base64url');

/** A fresh page; fails the test on any uncaught page error. */
async function open(search = '', viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(`${base}/${search}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** The results table's metric columns, as `task metric`. */
function metricHeaders(page: Page): Promise<(string | null)[]> {
  return page.$$eval('#results-head tr:nth-child(2) th', (ths) => ths.map((th) => th.getAttribute('title')));
}

async function runToEnd(page: Page, runs: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.getElementById('status')?.textContent?.startsWith(`${n} of ${n} runs finished`),
    runs,
    { timeout: 120_000 },
  );
}

describe.skipIf(!available)('the web page in Chromium', () => {
  beforeAll(async () => {
    await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'error' });
    // A large header limit: the tests open links with a config tens of kilobytes long.
    // The built page, and the IDX files at /datasets/… as the Vite servers serve them.
    server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) =>
      serveDatasets(req, res, () => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        const file = join(dist, path === '/' ? 'index.html' : path);
        if (!file.startsWith(dist) || !existsSync(file)) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(artifacts, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('loads with labelled controls and no error', async () => {
    const page = await open();
    expect(await page.title()).toContain('@mtl playground');
    await expect(page.isHidden('#page-error')).resolves.toBe(true);
    expect(await page.textContent('#status')).toContain('Ready');
    // Every form control has a label the accessibility tree can read.
    const unlabelled = await page.$$eval('#config-form input, #config-form select, #preset', (els) =>
      els
        .filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label'))
        .map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
    await page.close();
  });

  it('trains side by side from the keyboard: charts update, the table fills, a screenshot is saved', async () => {
    const config = { methods: ['ew', 'pcgrad', 'upgrad'], epochs: 6, seeds: [0] };
    const page = await open(`?config=${encode(config)}`);
    await page.focus('#start');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('#charts .chart')?.dataset.points) > 0,
    );
    // Three methods and the single-task baselines' run.
    await runToEnd(page, 4);
    const rows = await page.$$eval('#results-body tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim())),
    );
    expect(rows.map((r) => r[0])).toEqual(['EW', 'PCGrad', 'UPGrad']);
    // Run, progress, Δm, ms/step, then the metrics in the second header row's order.
    const metrics = await metricHeaders(page);
    const accuracy = 4 + metrics.indexOf('species accuracy');
    expect(accuracy).toBeGreaterThan(3);
    for (const row of rows) {
      expect(Number(row[accuracy])).toBeGreaterThan(0.5);
      // Δm against the baselines, finished with the runs.
      expect(row[2]).toMatch(/^[+-]\d+\.\d{2}$/);
    }
    const baselines = await page.$$eval('#baselines-body tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim())),
    );
    expect(baselines.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['species alone', 'done', 'ref'],
      ['sex alone', 'done', 'ref'],
      ['bodyMass alone', 'done', 'ref'],
    ]);
    // Each baseline fills its own task's cells only.
    expect(Number(baselines[0]![accuracy])).toBeGreaterThan(0.5);
    expect(baselines[1]![accuracy]).toBe('');
    // Loss charts per task (species, sex, bodyMass) and the learning rate, at 6 epochs each.
    const points = await page.$$eval('#charts .chart', (cs) =>
      cs.map((c) => (c as HTMLElement).dataset.points),
    );
    expect(points).toEqual(['6', '6', '6', '6']);
    // Unpicked, the selected run is the first with task gradients: its weights, norms and cosines.
    await page.waitForSelector('#cosine svg');
    expect(await page.textContent('#focus-title')).toContain('PCGrad');
    expect(await page.isChecked('input[name="show"][value="1"]')).toBe(true);
    // EW computes no task gradients: its charts say so inside their boxes.
    await page.check('input[name="show"][value="0"]');
    await page.waitForFunction(() => document.getElementById('focus-title')?.textContent?.includes('EW'));
    const notes = await page.$$eval('#focus-charts .chart-note:not([hidden])', (ps) =>
      ps.map((p) => p.textContent),
    );
    expect(notes).toEqual([
      '3 identical lines (dashed): species, sex, bodyMass',
      'EW does not compute task gradients, so there are no gradient norms to draw.',
    ]);
    // One line for the learning rate, which is the same for every run, and one legend for the group.
    expect(await page.textContent('#charts .chart:last-child .chart-note')).toBe(
      'One line: the rate is the same for all 3 runs.',
    );
    expect(await page.$$eval('#charts-legend li', (lis) => lis.map((li) => li.textContent))).toEqual([
      'EW',
      'PCGrad',
      'UPGrad',
    ]);
    await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });
    await page.close();
  }, 180_000);

  it('puts a control change in the URL and restores the same config from it', async () => {
    const page = await open();
    await page.fill('#f-epochs', '7');
    await page.uncheck('input[name="f-methods"][value="mgda"]');
    await page.selectOption('#f-arch', 'mmoe');
    await page.waitForFunction(() => location.search.includes('config='));
    const url = page.url();
    const saved = JSON.parse(Buffer.from(new URL(url).searchParams.get('config')!, 'base64url').toString());
    expect(saved).toMatchObject({ epochs: 7, architecture: { type: 'mmoe' } });
    expect(saved.methods).not.toContain('mgda');
    const again = await open(new URL(url).search);
    expect(await again.inputValue('#f-epochs')).toBe('7');
    expect(await again.inputValue('#f-arch')).toBe('mmoe');
    expect(await again.isChecked('input[name="f-methods"][value="mgda"]')).toBe(false);
    expect(await again.isChecked('input[name="f-methods"][value="pcgrad"]')).toBe(true);
    await page.close();
    await again.close();
  });

  it('says a linked sweep runs from the terminal, and keeps it through form edits', async () => {
    const sweep = { grid: { 'optimizer.lr': [0.01, 0.003] } };
    const page = await open(`?config=${encode({ epochs: 3, sweep })}`);
    expect(await page.textContent('#sweep-note')).toMatch(
      /sweep over optimizer\.lr: the page trains its base setting; .*mtl-playground sweep config\.json/,
    );
    await page.fill('#f-epochs', '4');
    const linked = () =>
      JSON.parse(
        Buffer.from(new URL(page.url()).searchParams.get('config') ?? '', 'base64url').toString() || '{}',
      );
    for (let i = 0; i < 50 && linked().epochs !== 4; i++) await page.waitForTimeout(50);
    expect(linked()).toMatchObject({ epochs: 4, sweep: { grid: { 'optimizer.lr': [0.01, 0.003] } } });
    const plain = await open();
    expect(await plain.$('#sweep-note')).toBeNull();
    await page.close();
    await plain.close();
  });

  it('shows what is wrong with a bad link instead of a blank page', async () => {
    const page = await open('?config=%%%not-base64');
    expect(await page.textContent('#page-error')).toMatch(/could not be used.*not valid/);
    const invalid = await open(`?config=${encode({ epochs: -1 })}`);
    expect(await invalid.textContent('#page-error')).toContain(
      'epochs: expected an integer from 1 to 100000, got -1',
    );
    // The page still works with the defaults.
    expect(await invalid.inputValue('#f-epochs')).toBe('40');
    // A bad value typed into the form is named too, and Start waits until it is fixed.
    await invalid.fill('#f-lr', '-1');
    expect(await invalid.textContent('#form-error')).toContain('optimizer.lr');
    expect(await invalid.isDisabled('#start')).toBe(true);
    await page.close();
    await invalid.close();
  });

  it('shows the error banner for a link nested 5,000 deep or huge, not a RangeError', async () => {
    const deep = `{"data":{"options":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`;
    const nested = await open(`?config=${Buffer.from(deep).toString('base64url')}`);
    expect(await nested.textContent('#page-error')).toMatch(
      /could not be used — config\.data\.options\.a\.a.*: the config is nested more than 16 levels deep/,
    );
    expect(await nested.inputValue('#f-epochs')).toBe('40');
    const arrays = await open(
      `?config=${Buffer.from(`{"methods":${'['.repeat(5000)}${']'.repeat(5000)}}`).toString('base64url')}`,
    );
    expect(await arrays.textContent('#page-error')).toContain(
      'the config is nested more than 16 levels deep',
    );
    const huge = await open(`?config=${encode({ name: 'x'.repeat(150_000) })}`);
    expect(await huge.textContent('#page-error')).toMatch(
      /could not be used — the link’s config has \d+ characters/,
    );
    for (const page of [nested, arrays, huge]) await page.close();
  });

  it('neutralises formula cells in the CSV download (a task name from a file reaches a spreadsheet)', async () => {
    const page = await open();
    await page.selectOption('#f-dataset', 'file');
    const rows = Array.from({ length: 60 }, (_, i) => `${(i % 12) / 12},${((i % 12) / 6 - 1).toFixed(3)}`);
    await page.setInputFiles('#f-file', {
      name: 'evil.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`x,=1+2\n${rows.join('\n')}\n`),
    });
    await page.fill('#f-file-features', 'x');
    await page.fill('#f-file-tasks', '=1+2:regression');
    for (const m of ['uw', 'gradnorm', 'pcgrad', 'mgda', 'cagrad', 'nashmtl', 'upgrad'])
      await page.uncheck(`input[name="f-methods"][value="${m}"]`);
    await page.fill('#f-epochs', '2');
    expect(await page.textContent('#form-error')).toBe('');
    await page.click('#start');
    await runToEnd(page, 2);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = readFileSync((await file.path())!)
      .toString()
      .split('\n');
    expect(csv[0]).toBe("run,status,'=1+2.loss,'=1+2.mae,'=1+2.rmse,'=1+2.r2,deltaM,msPerStep");
    // Numbers, negative ones too, stay numbers.
    expect(csv[1]).toMatch(/^EW,finished,-?[\d.]+(e-?\d+)?,[\d.]+/);
    await page.close();
  }, 120_000);

  it('shows names from a link as text, never as markup', async () => {
    const path = '<img src=x onerror="window.__injected = 1">.csv';
    const config = {
      data: { dataset: 'file', file: { path, features: ['a'], tasks: { b: 'regression' } } },
      methods: ['ew'],
    };
    const page = await open(`?config=${encode(config)}`);
    await page.click('#start');
    await page.waitForFunction(() =>
      document.querySelector('#results-body td:nth-child(2)')?.textContent?.startsWith('error'),
    );
    expect(await page.textContent('#results-body td:nth-child(2)')).toContain(path);
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: number }).__injected),
    ).toBeUndefined();
    expect(await page.$$('#results-body img')).toHaveLength(0);
    await page.close();
  });

  it('keeps keyboard focus in the runs table while training redraws it', async () => {
    // 2,000 epochs: the progress column (and so the table) changes every 20 of them, and the run
    // outlasts the test even when CI trains fast.
    const page = await open(`?config=${encode({ methods: ['ew', 'pcgrad'], epochs: 2000, seeds: [0] })}`);
    await page.click('#start');
    await page.waitForSelector('input[data-focus-key="show-1"]');
    // Focused inside the page in one step: the table redraws several times a second, and
    // page.focus's wait-then-act can find the radio replaced in between (it did on a loaded CI).
    await page.evaluate(() =>
      document.querySelector<HTMLInputElement>('input[data-focus-key="show-1"]')!.focus(),
    );
    // Count the table's redraws from here (cells are replaced only when they change).
    await page.evaluate(() => {
      const w = window as unknown as { redraws: number };
      w.redraws = 0;
      new MutationObserver(() => {
        w.redraws++;
      }).observe(document.getElementById('results-body')!, { childList: true, subtree: true });
    });
    await page.waitForFunction(() => (window as unknown as { redraws: number }).redraws >= 3, undefined, {
      timeout: 100_000,
    });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.focusKey)).toBe(
      'show-1',
    );
    await page.click('#reset');
    await page.close();
  }, 120_000);

  it('picks a run with a click while training redraws the table', async () => {
    const page = await open(
      `?config=${encode({ methods: ['ew', 'uw', 'pcgrad'], epochs: 2000, seeds: [0] })}`,
    );
    await page.click('#start');
    // The user's presses, held across redraws (the progress ticks several times a second) and
    // across the page's own pick of the first run with task gradients (PCGrad, within the first
    // presses), must each select.
    await page.waitForSelector('input[data-focus-key="show-1"]');
    for (const [index, name] of [
      [0, 'EW'],
      [1, 'UW'],
      [0, 'EW'],
      [1, 'UW'],
      [0, 'EW'],
      [1, 'UW'],
    ] as const) {
      const box = await page.evaluate((i) => {
        const r = document.querySelector(`input[data-focus-key="show-${i}"]`)!.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }, index);
      await page.mouse.move(box.x, box.y);
      await page.mouse.down();
      await page.waitForTimeout(150);
      await page.mouse.up();
      await page.waitForFunction(
        (n) => document.getElementById('focus-title')?.textContent?.endsWith(n),
        name,
      );
      expect(await page.isChecked(`input[data-focus-key="show-${index}"]`)).toBe(true);
    }
    await page.click('#reset');
    await page.close();
  }, 120_000);

  it('steps and pauses', async () => {
    const page = await open(`?config=${encode({ methods: ['ew'], epochs: 2000, seeds: [0] })}`);
    await page.click('#step');
    await page.waitForFunction(() =>
      document.querySelector('#results-body td:nth-child(2)')?.textContent?.startsWith('paused'),
    );
    await page.click('#start');
    const points = () =>
      page.evaluate(() => Number(document.querySelector<HTMLElement>('#charts .chart')?.dataset.points ?? 0));
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('#charts .chart')?.dataset.points) >= 2,
    );
    await page.click('#pause');
    // 'pausing' until the worker confirms it stopped, after its last progress message.
    await page.waitForFunction(() =>
      document.querySelector('#results-body td:nth-child(2)')?.textContent?.startsWith('paused'),
    );
    const before = await page.textContent('#results-body td:nth-child(2)');
    const epochsBefore = await points();
    await page.waitForTimeout(500);
    // Epochs drawn, not only the progress text: at 2,000 epochs a percent is 20 of them.
    expect(await points()).toBe(epochsBefore);
    expect(await page.textContent('#results-body td:nth-child(2)')).toBe(before);
    expect(before).toMatch(/^paused \d+%/);
    await page.click('#reset');
    // The table redraws on the next animation frame, not inside the click.
    await page
      .waitForFunction(() => document.querySelectorAll('#results-body tr').length === 0, null, {
        timeout: 10_000,
      })
      .catch(() => {});
    expect(await page.$$('#results-body tr')).toHaveLength(0);
    await page.close();
  });

  it('downloads results as JSON and CSV and a model PyTorch can read as safetensors', async () => {
    const page = await open(`?config=${encode({ methods: ['ew'], epochs: 2, seeds: [0] })}`);
    await page.click('#start');
    await runToEnd(page, 2);
    const read = async (selector: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      return readFileSync((await file.path())!);
    };
    const json = JSON.parse((await read('#download-json')).toString());
    expect(json.runs[0]).toMatchObject({ label: 'EW', status: 'finished' });
    expect(json.runs[0].deltaM).toEqual(expect.any(Number));
    expect(json.runs[1]).toMatchObject({
      label: 'Single-task baselines',
      baselines: true,
      status: 'finished',
    });
    expect(json.runs[0].epochs).toHaveLength(2);
    const csv = (await read('#download-csv')).toString().split('\n');
    expect(csv[0]).toMatch(/^run,status,species\.loss,species\.accuracy/);
    expect(csv[1]).toMatch(/^EW,finished,/);
    const bytes = await read('button[data-model="0"]');
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString());
    expect(header['encoder.0.weight']).toMatchObject({ dtype: 'F32' });
    await page.close();
  }, 120_000);

  it('trains on a table loaded from a local file', async () => {
    const page = await open();
    await page.selectOption('#f-dataset', 'file');
    const rows = Array.from({ length: 120 }, (_, i) => {
      const x = (i % 12) / 12;
      const z = ((i * 7) % 10) / 10;
      return `${x},${z},${i % 2 ? 'red' : 'blue'},${(2 * x - z).toFixed(3)},${x > 0.5 ? 'yes' : 'no'}`;
    });
    await page.setInputFiles('#f-file', {
      name: 'mine.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`x,z,colour,target,flag\n${rows.join('\n')}\n`),
    });
    await page.fill('#f-file-features', 'x, z, colour');
    await page.fill('#f-file-tasks', 'target:regression, flag:binary');
    await page.uncheck('input[name="f-methods"][value="uw"]');
    for (const m of ['gradnorm', 'pcgrad', 'mgda', 'cagrad', 'nashmtl', 'upgrad'])
      await page.uncheck(`input[name="f-methods"][value="${m}"]`);
    await page.fill('#f-epochs', '3');
    expect(await page.textContent('#form-error')).toBe('');
    await page.click('#start');
    await runToEnd(page, 2);
    const header = await metricHeaders(page);
    expect(header).toContain('target r2');
    expect(header).toContain('flag accuracy');
    await page.close();
  }, 120_000);

  it('draws the CAGrad toy landscape with each method’s paths', async () => {
    const config = {
      data: { dataset: 'cagradToy' },
      methods: ['ew', 'mgda', 'cagrad'],
      optimizer: { lr: 0.05 },
      epochs: 400,
      seeds: [0],
    };
    const page = await open(`?config=${encode(config)}`);
    await page.click('#start');
    await runToEnd(page, 3);
    expect(await page.isVisible('#landscape')).toBe(true);
    expect(await metricHeaders(page)).toContain('l1 finalLoss');
    await page.screenshot({ path: join(artifacts, 'playground-toy.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it.skipIf(!fashion)(
    'trains the multifashion preset: sample images with each head’s prediction and confusion matrices',
    async () => {
      const page = await open();
      await page.selectOption('#preset', 'multifashion');
      // The preset on a tiny subset, two of its methods, one epoch.
      await page.fill('#f-opt-trainImages', '300');
      await page.fill('#f-opt-validationImages', '0');
      await page.fill('#f-opt-testImages', '200');
      await page.fill('#f-epochs', '1');
      for (const m of ['mgda', 'upgrad']) await page.uncheck(`input[name="f-methods"][value="${m}"]`);
      expect(await page.textContent('#form-error')).toBe('');
      await page.click('#start');
      await runToEnd(page, 3);
      expect(await page.isHidden('#page-error')).toBe(true);
      // Eight 28×28 test images drawn on canvases, each with a line per head: ✓ or ✗ (true class).
      const drawn = await page.$$eval('#images canvas', (canvases) =>
        (canvases as HTMLCanvasElement[]).map((c) => {
          const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
          return [c.width, c.height, Math.max(...data.filter((_, i) => i % 4 === 0))];
        }),
      );
      expect(drawn).toHaveLength(8);
      for (const [w, h, brightest] of drawn) expect([w, h, brightest! > 200]).toEqual([28, 28, true]);
      const captions = await page.$$eval('#images figcaption', (fs) => fs.map((f) => f.textContent ?? ''));
      for (const c of captions) expect(c).toMatch(/^left: .+ [✓✗].*right: .+ [✓✗]/);
      // The first test image's left item is an ankle boot (Fashion-MNIST's first test image).
      expect(await page.getAttribute('#images canvas', 'aria-label')).toBe(
        'Test image 1: left Ankle boot, right Dress',
      );
      // A 10×10 confusion matrix per task, for the selected run (the first with task gradients), counting the 200 test images.
      const matrices = await page.$$eval('#images .confusion svg', (svgs) =>
        svgs.map((s) => [s.querySelector('title')?.textContent, s.querySelectorAll('rect').length]),
      );
      expect(matrices).toEqual([
        ['PCGrad: left — rows: true class, columns: predicted', 100],
        ['PCGrad: right — rows: true class, columns: predicted', 100],
      ]);
      expect(await page.textContent('#images .confusion desc')).toMatch(
        /^Confusion matrix: [\d.]+% right \(\d+ of 200\)/,
      );
      // Picking another run shows its predictions.
      await page.check('input[name="show"][value="1"]');
      await page.waitForFunction(() =>
        document.querySelector('#images .confusion title')?.textContent?.startsWith('PCGrad'),
      );
      await page.close();
    },
    120_000,
  );

  it.skipIf(mnistPresent)('says how to get MNIST when the multimnist preset starts without it', async () => {
    const page = await open();
    await page.selectOption('#preset', 'multimnist');
    await page.click('#start');
    await page.waitForSelector('#page-error:not([hidden])');
    expect(await page.textContent('#page-error')).toMatch(
      /^multiMnist: mnist: the MNIST files .* download the four \.gz files from https:\/\/ossci-datasets/,
    );
    expect(await page.textContent('#results-body td:nth-child(2)')).toMatch(/^error: mnist: /);
    await page.close();
  });

  it('fits a laptop screen and a phone with every default method trained: no sideways scroll, Δm and time in view', async () => {
    // The default experiment's eight methods (the widest table), two epochs.
    for (const width of [1280, 390]) {
      const page = await open(`?config=${encode({ epochs: 2, seeds: [0] })}`, { width, height: 844 });
      await page.click('#start');
      await runToEnd(page, 9);
      const sizes = await page.evaluate(() => {
        const wrap = document.querySelector('#results')!.parentElement!;
        const delta = document.querySelector('#results-body td:nth-child(3)')!.getBoundingClientRect();
        return {
          page: document.documentElement.scrollWidth - window.innerWidth,
          table: wrap.scrollWidth - wrap.clientWidth,
          deltaRight: delta.right - wrap.getBoundingClientRect().right,
        };
      });
      expect(sizes.page).toBeLessThanOrEqual(0);
      // At 1280 the whole table fits its column; on a phone its metrics scroll inside their box,
      // while the run, its progress, Δm and ms/step stay in view.
      if (width === 1280) expect(sizes.table).toBeLessThanOrEqual(0);
      expect(sizes.deltaRight).toBeLessThanOrEqual(0);
      if (width === 1280)
        await page.screenshot({ path: join(artifacts, 'playground-1280.png'), fullPage: true });
      await page.close();
    }
  }, 240_000);

  it('shows the single-task baselines training, not only when they finish', async () => {
    const page = await open(`?config=${encode({ methods: ['ew'], epochs: 400, seeds: [0] })}`);
    await page.click('#start');
    // Their run draws no curves; its progress still reaches the page as it goes.
    await page.waitForFunction(
      () => /^[1-9]\d?%$/.test(document.querySelector('#baselines-body td:nth-child(2)')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await page.click('#reset');
    await page.close();
  }, 120_000);

  it('draws task weights that spike on a log scale', async () => {
    // Nash-MTL's weights on penguins reach 67× their smallest within 10 epochs (seed 0).
    const page = await open(`?config=${encode({ methods: ['nashmtl'], epochs: 10, seeds: [0] })}`);
    await page.click('#start');
    await runToEnd(page, 2);
    const weights = await page.evaluate(() => {
      const title = document.querySelector('#focus-charts .chart .u-title')?.textContent ?? '';
      return title;
    });
    expect(weights).toBe('Task weights — Nash-MTL (log scale)');
    await page.close();
  }, 120_000);

  it('loads its icon and says why a broken link fell back, in one sentence', async () => {
    const missing: string[] = [];
    const page = await browser.newPage();
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(r.url());
    });
    await page.goto(`${base}/?config=%%%not-base64`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(missing).toEqual([]);
    expect(await page.textContent('#page-error')).toBe(
      'This link’s config could not be used — the link’s config is not valid base64 — was the URL cut short? Showing the default experiment instead.',
    );
    await page.close();
  });

  it('reads on a narrow screen without sideways scrolling', async () => {
    const page = await open('', { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.isVisible('#start')).toBe(true);
    await page.close();
  });
});
