import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DatasetError,
  fashionMnist,
  mnist,
  multiFashion,
  multiFashionMnist,
  multiMnist,
  parseIdx,
  readIdx,
} from '@mtl/multitask';
import { Generator, interpolate, tensor, ValueError } from '@mtl/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { testHooks } from '../src/datasets/vision/mnistFiles';

/** An IDX file: magic (type code, rank), big-endian dims, then the values as given. */
function idx(code: number, shape: number[], values: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  header[2] = code;
  header[3] = shape.length;
  const view = new DataView(header.buffer);
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header);
  bytes.set(values, header.length);
  return bytes;
}

const folder = temporaryDirectories('mtl-idx-');

/** Writes a split of `n` 28×28 images (pixel value = image index·10 + row) and labels. */
function writeSplit(dir: string, split: 'train' | 't10k', labels: number[], gz: boolean, rows = 28): void {
  const n = labels.length;
  const pixels = new Uint8Array(n * rows * 28);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < rows; r++) pixels.fill(i * 10 + r, (i * rows + r) * 28, (i * rows + r + 1) * 28);
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  write(`${split}-images-idx3-ubyte`, idx(0x08, [n, rows, 28], pixels));
  write(`${split}-labels-idx1-ubyte`, idx(0x08, [n], Uint8Array.from(labels)));
}

describe('IDX files', () => {
  it('parses every element type, big-endian', () => {
    const ints = new Uint8Array(8);
    new DataView(ints.buffer).setInt32(0, -7, false);
    new DataView(ints.buffer).setInt32(4, 300_000, false);
    expect(Array.from(parseIdx(idx(0x0c, [2], ints), 'ints').data)).toEqual([-7, 300_000]);
    const floats = new Uint8Array(16);
    new DataView(floats.buffer).setFloat64(0, 1.5, false);
    new DataView(floats.buffer).setFloat64(8, -0.25, false);
    const f64 = parseIdx(idx(0x0e, [1, 2], floats), 'doubles');
    expect(f64.shape).toEqual([1, 2]);
    expect(Array.from(f64.data)).toEqual([1.5, -0.25]);
    expect(Array.from(parseIdx(idx(0x09, [3], Uint8Array.from([255, 1, 128])), 'bytes').data)).toEqual([
      -1, 1, -128,
    ]);
    const shorts = Uint8Array.from([0xff, 0xfe, 0x01, 0x00]);
    expect(Array.from(parseIdx(idx(0x0b, [2], shorts), 'shorts').data)).toEqual([-2, 256]);
  });

  it('reads gzipped files and refuses malformed ones with the file and the reason', async () => {
    const plain = idx(0x08, [2, 2], Uint8Array.from([1, 2, 3, 4]));
    expect(Array.from((await readIdx(gzipSync(plain), 'x.gz')).data)).toEqual([1, 2, 3, 4]);
    expectTyped(
      () => parseIdx(Uint8Array.from([1, 2, 3, 4]), 'a.idx'),
      DatasetError,
      'a.idx: not an IDX file',
      'starting 01 02 03 04',
    );
    expectTyped(
      () => parseIdx(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]), 'b.idx'),
      DatasetError,
      'b.idx: unknown IDX type code 0x7',
    );
    expectTyped(
      () => parseIdx(plain.subarray(0, plain.length - 1), 'c.idx'),
      DatasetError,
      'c.idx: dims [2, 2] of unsigned bytes need 16 bytes, the file has 15 (truncated)',
    );
    expectTyped(() => parseIdx(Uint8Array.from([...plain, 0]), 'd.idx'), DatasetError, '(trailing data)');
    expectTyped(
      () => parseIdx(Uint8Array.from([0, 0, 8, 0]), 'e.idx'),
      DatasetError,
      'e.idx: an IDX header of rank 0',
    );
    const badGzip = gzipSync(plain).subarray(0, 12);
    await expect(readIdx(badGzip, 'f.gz')).rejects.toThrow(/f\.gz: not a valid gzip file/);
  });
});

describe('fashionMnist and mnist', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it('load a split from a folder, gzipped or not, as [N, 1, 28, 28] in [0, 1] with int32 labels', async () => {
    const dir = folder();
    writeSplit(dir, 'train', [9, 0, 3], true);
    writeSplit(dir, 't10k', [1, 2], false);
    const train = await fashionMnist({ dir });
    expect(train.images.shape).toEqual([3, 1, 28, 28]);
    expect(train.images.dtype).toBe('float32');
    expect(train.images.get(2, 0, 5, 7)).toBeCloseTo(25 / 255, 7);
    expect(Array.from(train.labels.data)).toEqual([9, 0, 3]);
    expect(train.classes[9]).toBe('Ankle boot');
    const test = await mnist({ dir, split: 'test' });
    expect(test.labels.dtype).toBe('int32');
    expect(Array.from(test.labels.data)).toEqual([1, 2]);
    expect(test.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('look in $MTL_FASHION_MNIST_DIR, then the per-user cache, before Debian’s folder', async () => {
    const named = folder();
    writeSplit(named, 'train', [4], true);
    process.env.MTL_FASHION_MNIST_DIR = named;
    expect(Array.from((await fashionMnist()).labels.data)).toEqual([4]);
    delete process.env.MTL_FASHION_MNIST_DIR;
    const cacheHome = folder();
    mkdirSync(join(cacheHome, 'mtl', 'mnist'), { recursive: true });
    writeSplit(join(cacheHome, 'mtl', 'mnist'), 't10k', [7, 7], false);
    process.env.XDG_CACHE_HOME = cacheHome;
    expect(Array.from((await mnist({ split: 'test' })).labels.data)).toEqual([7, 7]);
  });

  it('say where they looked and how to get the files; refuse files that do not fit together', async () => {
    const empty = folder();
    await expect(fashionMnist({ dir: empty })).rejects.toThrow(DatasetError);
    await expect(fashionMnist({ dir: empty })).rejects.toThrow(
      `fashionMnist: the Fashion-MNIST files train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz) are not in ${empty} — get them with sudo apt-get install dataset-fashion-mnist (Debian, Ubuntu; then omit dir), or { download: true }, or download the four .gz files from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into ${empty}`,
    );
    process.env.XDG_CACHE_HOME = empty;
    await expect(mnist()).rejects.toThrow(`or set $MTL_MNIST_DIR or pass { dir } to a folder that has them`);
    const wrong = folder();
    writeSplit(wrong, 'train', [1, 12], true);
    await expect(fashionMnist({ dir: wrong })).rejects.toThrow(
      /train-labels-idx1-ubyte\.gz: label 1 is 12, outside 0…9/,
    );
    const short = folder();
    writeSplit(short, 'train', [1, 2], false);
    writeFileSync(join(short, 'train-labels-idx1-ubyte'), idx(0x08, [3], Uint8Array.from([1, 2, 3])));
    await expect(fashionMnist({ dir: short })).rejects.toThrow(
      /expected 2 unsigned-byte labels \(one per image of .*train-images-idx3-ubyte\), got dims \[3\]/,
    );
    await expect(fashionMnist({ split: 'validation' as never })).rejects.toThrow(ValueError);
    await expect(fashionMnist({ dir: 3 as never })).rejects.toThrow(
      'fashionMnist: dir must be a non-empty folder path',
    );
  });

  // CI installs Debian's dataset-fashion-mnist; elsewhere this runs where it is installed.
  const debian = '/usr/share/datasets/fashion-mnist';
  it.runIf(existsSync(debian) || process.env.CI)(
    'read the real Fashion-MNIST test split from Debian’s package',
    async () => {
      const { images, labels } = await fashionMnist({ dir: debian, split: 'test' });
      expect(images.shape).toEqual([10000, 1, 28, 28]);
      // The first test labels, as published: ankle boot, pullover, trouser, trouser, shirt, …
      expect(Array.from(labels.data.slice(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    },
  );
});

describe('multiMnist, multiFashion and multiFashionMnist', () => {
  it('overlay each item with a seeded partner on a 36×36 canvas, then resize it to 28×28', async () => {
    const dir = folder();
    writeSplit(dir, 't10k', [3, 1, 4, 1, 5], true);
    const data = await multiMnist({ dir, split: 'test', seed: 7 });
    const source = await mnist({ dir, split: 'test' });
    expect(data.features.shape).toEqual([5, 1, 28, 28]);
    expect(Array.from(data.labels.left.data)).toEqual([3, 1, 4, 1, 5]);
    // The partners: one draw per image from Generator(seed), as the builder makes them.
    const g = new Generator(7);
    const partner = Array.from({ length: 5 }, () => g.integer(0, 5));
    expect(Array.from(data.labels.right.data)).toEqual(partner.map((j) => [3, 1, 4, 1, 5][j]));
    // The canvas, built here pixel by pixel: left at 0…27, the partner at 6…33, maximum where both are.
    const canvas = new Float32Array(5 * 36 * 36);
    const pixels = source.images.data as Float32Array;
    for (let i = 0; i < 5; i++) {
      for (let r = 0; r < 36; r++) {
        for (let c = 0; c < 36; c++) {
          const a = r < 28 && c < 28 ? pixels[i * 784 + r * 28 + c]! : 0;
          const b =
            r >= 6 && c >= 6 && r < 34 && c < 34 ? pixels[partner[i]! * 784 + (r - 6) * 28 + c - 6]! : 0;
          canvas[i * 1296 + r * 36 + c] = Math.max(a, b);
        }
      }
    }
    const expected = interpolate(tensor(canvas, { shape: [5, 1, 36, 36] }), {
      size: [28, 28],
      mode: 'bilinear',
    });
    expect(Array.from(data.features.data)).toEqual(Array.from(expected.data));
    expect(data.tasks.left).toEqual({ type: 'multiclass', classes: source.classes });
    // Another seed pairs differently; the same seed gives the same data.
    expect(Array.from((await multiMnist({ dir, split: 'test', seed: 7 })).features.data)).toEqual(
      Array.from(data.features.data),
    );
    const nearest = await multiMnist({ dir, split: 'test', seed: 7, resize: 'nearest' });
    expect(Array.from(nearest.features.data)).toEqual(
      Array.from(interpolate(tensor(canvas, { shape: [5, 1, 36, 36] }), { size: [28, 28] }).data),
    );
    await expect(multiMnist({ dir, seed: -1 })).rejects.toThrow(ValueError);
    // limit: the first composites of the whole split, exactly.
    const first3 = await multiMnist({ dir, split: 'test', seed: 7, limit: 3 });
    expect(first3.features.shape).toEqual([3, 1, 28, 28]);
    expect(Array.from(first3.features.data)).toEqual(Array.from(data.features.data.slice(0, 3 * 784)));
    expect(Array.from(first3.labels.left.data)).toEqual([3, 1, 4]);
    expect(Array.from(first3.labels.right.data)).toEqual(Array.from(data.labels.right.data.slice(0, 3)));
    expect((await multiMnist({ dir, split: 'test', seed: 7, limit: 99 })).features.shape[0]).toBe(5);
    await expect(multiMnist({ dir, split: 'test', limit: 0 })).rejects.toThrow(ValueError);
    await expect(multiMnist({ dir, split: 'test', download: 'yes' as never })).rejects.toThrow(
      'multiMnist: download must be true or false',
    );
  });

  it('pair MNIST digits with Fashion-MNIST items, each from its own folder', async () => {
    const digits = folder();
    const clothes = folder();
    writeSplit(digits, 'train', [0, 9], false);
    writeSplit(clothes, 'train', [5, 6, 7], true);
    const data = await multiFashionMnist({ dir: digits, fashionDir: clothes, seed: 1 });
    expect(Array.from(data.labels.left.data)).toEqual([0, 9]);
    expect(data.tasks.right.classes![5]).toBe('Sandal');
    expect(Array.from(data.labels.right.data).every((l) => l >= 5 && l <= 7)).toBe(true);
  });

  it.runIf(existsSync('/usr/share/datasets/fashion-mnist') || process.env.CI)(
    'give the canvases PyTorch resizes, on real Fashion-MNIST images (tools/reference/multi_fashion.py)',
    async () => {
      const reference = JSON.parse(
        readFileSync(new URL('./fixtures/multiFashion.json', import.meta.url), 'utf8'),
      ) as {
        partners: number[];
        labels: { left: number[]; right: number[] };
        bilinear: number[];
        nearest: number[];
      };
      // The partners the fixture was made with are the first draws of Generator(0) over 10,000.
      const g = new Generator(0);
      expect(reference.partners.map(() => g.integer(0, 10000))).toEqual(reference.partners);
      const n = reference.partners.length;
      for (const resize of ['bilinear', 'nearest'] as const) {
        const data = await multiFashion({ split: 'test', seed: 0, limit: n, resize });
        expect(Array.from(data.labels.left.data)).toEqual(reference.labels.left);
        expect(Array.from(data.labels.right.data)).toEqual(reference.labels.right);
        const got = data.features.data as Float32Array;
        const worst = reference[resize].reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
        expect(worst).toBeLessThan(1e-6);
      }
    },
  );

  it.runIf(existsSync('/usr/share/datasets/fashion-mnist') || process.env.CI)(
    'build MultiFashion from the real test split',
    async () => {
      const data = await multiFashion({ split: 'test', seed: 1 });
      expect(data.features.shape).toEqual([10000, 1, 28, 28]);
      expect(Array.from(data.labels.left.data.slice(0, 5))).toEqual([9, 2, 1, 1, 6]);
    },
  );
});

describe('download: true', () => {
  /** A local server for the files in `root`: 'corrupt' flips a byte, 'cut' drops the connection mid-file. */
  async function serve(
    root: string,
    mode: 'ok' | 'corrupt' | 'cut' = 'ok',
  ): Promise<{ url: string; hits: string[]; server: Server }> {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      const name = (req.url ?? '/').slice(1);
      hits.push(name);
      const path = join(root, name);
      if (!existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      const bytes = Uint8Array.from(readFileSync(path));
      if (mode === 'corrupt') bytes[bytes.length - 1]! ^= 0xff;
      res.writeHead(200, { 'content-length': String(bytes.length) });
      if (mode === 'cut') {
        res.write(bytes.subarray(0, bytes.length >> 1));
        res.socket?.destroy();
        return;
      }
      res.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/files/`, hits, server };
  }

  function published(): string {
    const root = folder();
    mkdirSync(join(root, 'files'));
    writeSplit(join(root, 'files'), 't10k', [2, 7, 1], true);
    const md5: Record<string, string> = {};
    for (const name of readdirSync(join(root, 'files')))
      md5[name] = createHash('md5')
        .update(readFileSync(join(root, 'files', name)))
        .digest('hex');
    testHooks.md5 = md5;
    return root;
  }

  afterEach(() => {
    testHooks.md5 = undefined;
  });

  it('fetches the split into the folder, checked and written atomically, once', async () => {
    const { url, hits, server } = await serve(published());
    try {
      const target = join(folder(), 'fashion');
      const data = await fashionMnist({ dir: target, split: 'test', download: true, mirror: url });
      expect(Array.from(data.labels.data)).toEqual([2, 7, 1]);
      expect(readdirSync(target).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
      expect(hits).toEqual(['files/t10k-images-idx3-ubyte.gz', 'files/t10k-labels-idx1-ubyte.gz']);
      await fashionMnist({ dir: target, split: 'test', download: true, mirror: url });
      expect(hits.length).toBe(2); // found on disk: nothing fetched again
    } finally {
      server.close();
    }
  });

  it('refuses a file whose checksum differs, a cut connection and a missing file, leaving nothing behind', async () => {
    const root = published();
    for (const [mode, message] of [
      [
        'corrupt',
        /is not the official t10k-images-idx3-ubyte\.gz \(MD5 [0-9a-f]{32}, expected [0-9a-f]{32}; \d+ bytes\) — nothing was written/,
      ],
      ['cut', /could not download .*t10k-images-idx3-ubyte\.gz \(.*\) — nothing was written/],
    ] as const) {
      const { url, server } = await serve(root, mode);
      try {
        const target = join(folder(), 'fashion');
        await expect(
          fashionMnist({ dir: target, split: 'test', download: true, mirror: url }),
        ).rejects.toThrow(message);
        expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
      } finally {
        server.close();
      }
    }
    const { url, server } = await serve(root);
    try {
      await expect(fashionMnist({ dir: folder(), download: true, mirror: url })).rejects.toThrow(
        /could not download .*train-images-idx3-ubyte\.gz \(HTTP 404 Not Found\)/,
      );
    } finally {
      server.close();
    }
    await expect(fashionMnist({ download: true, mirror: 'ftp://x' })).rejects.toThrow(
      'fashionMnist: mirror must be an http(s) URL',
    );
  });
});
