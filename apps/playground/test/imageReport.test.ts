/**
 * The report's image pieces: the inline PNG (decoded back with zlib), the confusion-matrix heatmap,
 * and the image section of an HTML report; and the image results computed from a model.
 */
import { inflateSync } from 'node:zlib';
import { MultiTaskDataset, multiLeNet } from '@mtl/multitask';
import { Generator, Tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { imagePredictions, imageSamples, samplePixels } from '../src/imageResults';
import type { SplitColumns } from '../src/images';
import { confusionMatrix } from '../src/report/confusionMatrix';
import type { ExperimentResults } from '../src/report/ExperimentResults';
import { grayPngDataUrl } from '../src/report/grayPng';
import { htmlReport } from '../src/report/htmlReport';
import { lineChart } from '../src/report/lineChart';

/** A PNG's IHDR size and its pixels (greyscale, 8-bit, filter 0 rows), read with Node's zlib. */
function decodePng(url: string): { width: number; height: number; pixels: number[] } {
  const bytes = Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64');
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const idatLength = bytes.readUInt32BE(33);
  expect(bytes.subarray(37, 41).toString()).toBe('IDAT');
  const raw = inflateSync(bytes.subarray(41, 41 + idatLength));
  const pixels: number[] = [];
  for (let r = 0; r < height; r++) {
    expect(raw[r * (width + 1)]).toBe(0);
    pixels.push(...raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)));
  }
  return { width, height, pixels };
}

/** Four tiny 1×28×28 "images" in their own split: two for training, two for testing. */
function columns(): SplitColumns {
  const features = new Float32Array(4 * 784);
  for (let i = 0; i < features.length; i++) features[i] = (i % 784) / 783;
  return {
    features: new Tensor(features, [4, 1, 28, 28], 'float32'),
    featureNames: [],
    labels: {
      left: new Tensor(Int32Array.of(0, 1, 2, 3), [4], 'int32'),
      right: new Tensor(Int32Array.of(3, 2, 1, 0), [4], 'int32'),
    },
    tasks: {
      left: { type: 'multiclass', classes: ['a', 'b', 'c', 'd'] },
      right: { type: 'multiclass', classes: ['a', 'b', 'c', 'd'] },
    },
    split: { train: 2, validation: 0, test: 2 },
  };
}

describe('image results', () => {
  it('encode grey images as PNGs that zlib decodes back to the same pixels', () => {
    const pixels = Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
    expect(decodePng(grayPngDataUrl(pixels, 28, 28))).toEqual({ width: 28, height: 28, pixels: [...pixels] });
  });

  it('take the first test images with their classes, and a model’s predictions and confusion', () => {
    const data = columns();
    const samples = imageSamples(data, 8);
    expect(samples.images.map((s) => [s.index, s.labels])).toEqual([
      [0, { left: 2, right: 1 }],
      [1, { left: 3, right: 0 }],
    ]);
    expect([...samplePixels(samples.images[0]!)].slice(0, 3)).toEqual([0, 0, 1]);
    expect(samplePixels(samples.images[0]!)[783]).toBe(255);
    const model = multiLeNet({ tasks: { left: 4, right: 4 }, generator: new Generator(0) });
    const test = new MultiTaskDataset({
      features: data.features.slice(0, 2, 4),
      labels: { left: data.labels.left!.slice(0, 2, 4), right: data.labels.right!.slice(0, 2, 4) },
    });
    const { predicted, confusion } = imagePredictions(model, test, { left: 4, right: 4 });
    const logits = model.forward(test.features).left!.value;
    const argmax = (row: number) => {
      const values = Array.from(logits.data.subarray(row * 4, row * 4 + 4) as Float32Array);
      return values.indexOf(Math.max(...values));
    };
    expect(predicted.left).toEqual([argmax(0), argmax(1)]);
    expect(confusion.left![2]![argmax(0)]).toBe(1);
    expect(confusion.left!.flat().reduce((s, n) => s + n, 0)).toBe(2);
  });

  it('draw a confusion matrix with counts, row shares and a text alternative', () => {
    const svg = confusionMatrix({
      title: 'EW: left',
      classes: ['cat', 'dog'],
      counts: [
        [8, 2],
        [0, 10],
      ],
    });
    expect(svg).toContain('<title id="heatmap-t">EW: left — rows: true class, columns: predicted</title>');
    expect(svg).toContain(
      'Confusion matrix: 90.0% right (18 of 20). Most frequent mistakes: cat taken for dog 2 times.',
    );
    // A full row share is the darkest blue, with white text; an empty cell is white.
    expect(svg).toMatch(/fill="#2166ac"[^>]*\/>\n<text[^>]*fill="#ffffff">10</);
    expect(svg).toMatch(/fill="#ffffff" stroke="#ffffff"\/>\n<text[^>]*fill="#111111">0</);
  });

  it('put the samples and matrices of every method in the report, self-contained', () => {
    const samples = imageSamples(columns());
    const confusion = {
      left: [
        [1, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 0],
      ],
      right: [
        [0, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 0, 0],
        [1, 0, 0, 0],
      ],
    };
    const method = (name: string, left: number[]) => ({
      method: name,
      metrics: { left: { accuracy: { mean: 1, std: 0 } }, right: { accuracy: { mean: 0.5, std: 0 } } },
      deltaM: null,
      msPerStep: 1,
      curves: { epochLoss: { left: [1], right: [1] }, weights: { left: [1], right: [1] }, cosine: null },
      images: { predicted: { left, right: [1, 3] }, confusion },
    });
    const results: ExperimentResults = {
      name: 'tiny',
      createdAt: '2026-01-01T00:00:00.000Z',
      config: { data: { dataset: 'multiFashion' } },
      tasks: [
        { name: 'left', type: 'multiclass' },
        { name: 'right', type: 'multiclass' },
      ],
      images: samples,
      methods: [method('EW', [2, 3]), method('<b>MGDA</b>', [2, 0])],
    };
    const html = htmlReport(results);
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).toContain('alt="Test image 1: left c, right b"');
    expect(html).toContain('<span class="ok">left: c ✓</span>');
    expect(html).toContain('<span class="bad">left: a ✗ (d)</span>');
    expect(html).toContain('&lt;b&gt;MGDA&lt;/b&gt;: right — rows: true class');
    expect(html).toContain('over the 2 test images');
    expect(html).not.toMatch(/<script|<b>MGDA/);
  });
});

describe('a line chart of a thinned curve', () => {
  it('puts value i at x = (i + 1)·xStep', () => {
    const svg = lineChart({
      title: 't',
      series: [{ name: 's', values: [1, 2, 3, 4], color: '#000' }],
      xStep: 500,
    });
    // x ticks are centred under their position: 2000 is one, no tick below the first point (500).
    expect(svg).toContain('text-anchor="middle">2000</text>');
    const long = lineChart({
      title: 't',
      series: [{ name: 's', values: [1, 2], color: '#000' }],
      xStep: 50_000,
    });
    expect(long).toContain('text-anchor="middle">100k</text>');
    expect(svg).not.toMatch(/text-anchor="middle">(1|100|200)<\/text>/);
    expect(svg).toMatch(/points="52,/); // the first value sits at the plot's left edge
  });
});
