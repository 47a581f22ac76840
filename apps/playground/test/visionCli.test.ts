/**
 * The vision and MMoE presets from the CLI, on Debian's real Fashion-MNIST files
 * (dataset-fashion-mnist): a tiny MultiFashion run writes the sample images and confusion
 * matrices into the JSON and the HTML report; mmoe-synthetic compares three architectures; missing
 * files are a one-line error that says how to get them (exit 2). Also the page's dataset server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import type { ExperimentResults } from '../src/report/ExperimentResults';
import { datasetFolders, serveDatasets } from '../src/serveDatasets';
import { runCli } from './runCli';

const tmp = temporaryDirectories('mtl-vision-');

const has = (name: 'fashion-mnist' | 'mnist', file: string) =>
  datasetFolders(name).some((f) => existsSync(join(f, `${file}.gz`)) || existsSync(join(f, file)));
const fashion = has('fashion-mnist', 'train-images-idx3-ubyte');
const mnistPresent = has('mnist', 'train-images-idx3-ubyte');
if (!fashion && process.env.CI)
  throw new Error('Fashion-MNIST is missing: apt-get install -y dataset-fashion-mnist');

const TINY = [
  '--set',
  'data.options.trainImages=300',
  '--set',
  'data.options.validationImages=0',
  '--set',
  'data.options.testImages=200',
  '--epochs',
  '1',
  '--methods',
  'ew,pcgrad',
];

describe.skipIf(!fashion)('the multifashion preset from the CLI', () => {
  it('trains on a subset and writes sample images, predictions and confusion matrices', async () => {
    const dir = tmp();
    const { code, out, err } = await runCli(['run', 'multifashion', ...TINY, '--out', dir]);
    expect(code).toBe(0);
    expect(err).toContain('training PCGrad (seed 0)…');
    expect(out.join('\n')).toMatch(/\nPCGrad\s+0\.\d{3}\s+0\.\d{3}\s/);
    const results = JSON.parse(readFileSync(join(dir, 'multifashion.json'), 'utf8')) as ExperimentResults;
    expect(results.tasks.map((t) => t.name)).toEqual(['left', 'right']);
    const samples = results.images!;
    expect(samples.classes.left).toHaveLength(10);
    expect(samples.classes.right![9]).toBe('Ankle boot');
    expect(samples.images).toHaveLength(8);
    // The first Fashion-MNIST test image is an ankle boot; its pixels are 784 bytes, not all black.
    expect(samples.images[0]!.labels.left).toBe(9);
    const pixels = Buffer.from(samples.images[0]!.pixels, 'base64');
    expect(pixels).toHaveLength(28 * 28);
    expect(Math.max(...pixels)).toBeGreaterThan(200);
    for (const m of results.methods) {
      expect(m.images!.predicted.left).toHaveLength(8);
      const matrix = m.images!.confusion.right!;
      expect(matrix).toHaveLength(10);
      expect(matrix.flat().reduce((s, n) => s + n, 0)).toBe(200);
      // The diagonal (right answers) over all cells is the test accuracy in the table.
      const right = matrix.reduce((s, row, i) => s + row[i]!, 0);
      expect(right / 200).toBeCloseTo(m.metrics.right!.accuracy!.mean, 10);
    }
    const html = readFileSync(join(dir, 'multifashion.html'), 'utf8');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(16);
    expect(html).toContain('PCGrad: left — rows: true class, columns: predicted');
    expect(html).toContain('Confusion matrix: ');
    expect(html).not.toMatch(/<script|src="http/);
  }, 60_000);

  it('says how to get the files when the folder has none: one line, exit 2', async () => {
    const empty = tmp();
    const { code, out, err } = await runCli([
      'run',
      'multifashion',
      '--set',
      `data.options.dir=${empty}`,
      '--out',
      tmp(),
    ]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'loading multiFashion: 4000 training, 1000 validation and 1000 test images…',
      `mtl-playground: fashionMnist: the Fashion-MNIST files train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz) are not in ${empty} — get them with sudo apt-get install dataset-fashion-mnist (Debian, Ubuntu; then omit dir), or { download: true }, or download the four .gz files from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into ${empty}`,
    ]);
  });
});

describe('the CLI without MNIST', () => {
  it.skipIf(mnistPresent)('names where MNIST goes for the multimnist preset, exit 2', async () => {
    const { code, err } = await runCli(['run', 'multimnist', '--out', tmp()]);
    expect(code).toBe(2);
    expect(err).toHaveLength(2);
    expect(err[1]).toMatch(
      /^mtl-playground: mnist: the MNIST files train-images-idx3-ubyte\(\.gz\) and train-labels-idx1-ubyte\(\.gz\) are not in .* download the four \.gz files from https:\/\/ossci-datasets\.s3\.amazonaws\.com\/mnist\//,
    );
  });

  it('tells a mistyped preset from a missing config file', async () => {
    const { code, err } = await runCli(['run', 'multifahsion']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(
      /^mtl-playground: "multifahsion" is neither a config file \(there is no \/.*\/multifahsion\) nor a preset — presets: penguins, multifashion, /,
    );
  });
});

describe('the mmoe-synthetic preset from the CLI', () => {
  it('compares hard sharing, MMoE and CGC on the same tasks', async () => {
    const dir = tmp();
    const { code } = await runCli([
      'run',
      'mmoe-synthetic',
      '--set',
      'data.options.samples=400',
      '--epochs',
      '2',
      '--out',
      dir,
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'mmoe-synthetic.json'), 'utf8')) as ExperimentResults;
    expect(results.methods.map((m) => m.method)).toEqual(['EW · Hard sharing', 'EW · MMoE', 'EW · CGC']);
    for (const m of results.methods) expect(m.metrics.task1!.rmse!.mean).toBeGreaterThan(0);
    // Different models: not three copies of one run.
    expect(new Set(results.methods.map((m) => m.metrics.task0!.rmse!.mean)).size).toBe(3);
    expect(results.images).toBeUndefined();
  }, 60_000);
});

describe('the page’s dataset server', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => serveDatasets(req, res, () => res.writeHead(418).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => server?.close());

  it.skipIf(!fashion)(
    'serves the official files from the folder the CLI reads, and nothing else',
    async () => {
      const status = await fetch(`${base}/datasets/fashion-mnist/`);
      expect(await status.json()).toEqual({ found: true });
      const labels = new Uint8Array(
        await (await fetch(`${base}/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz`)).arrayBuffer(),
      );
      expect([labels[0], labels[1]]).toEqual([0x1f, 0x8b]); // gzip, unpacked by the loader itself
      expect((await fetch(`${base}/datasets/fashion-mnist/..%2f..%2fpasswd.gz`)).status).toBe(404);
      expect((await fetch(`${base}/datasets/fashion-mnist/README`)).status).toBe(404);
      expect((await fetch(`${base}/index.html`)).status).toBe(418); // not its business: passed on
    },
  );

  it.skipIf(mnistPresent)(
    'answers a missing dataset with the library’s message on how to get it',
    async () => {
      const response = await fetch(`${base}/datasets/mnist/`);
      expect(response.status).toBe(404);
      expect(response.headers.get('x-mtl-dataset-error')).toBe('1');
      expect(await response.text()).toMatch(/^mnist: the MNIST files .* download the four \.gz files from /);
    },
  );
});
