import { checkBoolean, checkChoice, checkInteger, Generator, interpolate, Tensor } from '@mtl/tensor';
import { checkOptions } from '../../data/check';
import type { DatasetTask } from '../DatasetColumns';
import { fashionMnist, mnist } from './fashionMnist';
import type { MnistSplit } from './mnistFiles';

/** Options of {@link multiMnist}, {@link multiFashion} and {@link multiFashionMnist}. */
export interface MultiMnistOptions {
  /** Folder (or URL) of the source files, as `fashionMnist`'s and `mnist`'s `dir`. */
  dir?: string;
  /** For `multiFashionMnist`: the Fashion-MNIST folder when it differs from `dir` (MNIST's). */
  fashionDir?: string;
  split?: 'train' | 'test';
  /** Seeds the choice of each image's partner. Default 0. */
  seed?: number;
  /**
   * How the 36×36 canvas is resized to 28×28: `'bilinear'` (the default, torch's `interpolate`
   * without aligned corners) or `'nearest'` (torch's; Sener & Koltun's loader used PIL's nearest,
   * which samples pixel centres).
   */
  resize?: 'bilinear' | 'nearest';
  /**
   * Build only the first `limit` composites (all, where the split has fewer): exactly the first
   * `limit` of the whole split, since partners are drawn in order, without the time and memory
   * of the rest. Default: all.
   */
  limit?: number;
  /** Fetch the source files that are missing, as `fashionMnist`'s and `mnist`'s `download`. Default false. */
  download?: boolean;
}

/** A two-task image dataset: the item on the left and the item on the right. */
export interface MultiMnistDataset {
  /** float32 [N, 1, 28, 28] in [0, 1]. */
  features: Tensor;
  labels: { left: Tensor; right: Tensor };
  tasks: { left: DatasetTask; right: DatasetTask };
}

/** The canvas: the left item at rows/columns 0…27, the right one at 6…33 (Sener & Koltun's code). */
const CANVAS = 36;
const OFFSET = 6;

/**
 * Overlays pairs of 28×28 images (a over b, by the pixel maximum) on 36×36 canvases, a at the
 * top left and b shifted down and right by 6, then resizes each canvas to 28×28: image i is
 * `left[i]` with `right[partner[i]]`.
 */
function overlayPairs(
  left: Tensor,
  right: Tensor,
  partner: Int32Array,
  resize: 'bilinear' | 'nearest',
): Tensor {
  const n = partner.length;
  const a = left.data as Float32Array;
  const b = right.data as Float32Array;
  const canvas = new Float32Array(n * CANVAS * CANVAS);
  for (let i = 0; i < n; i++) {
    const base = i * CANVAS * CANVAS;
    const from = partner[i]! * 784;
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        canvas[base + r * CANVAS + c] = a[i * 784 + r * 28 + c]!;
      }
    }
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const at = base + (r + OFFSET) * CANVAS + c + OFFSET;
        canvas[at] = Math.max(canvas[at]!, b[from + r * 28 + c]!);
      }
    }
  }
  return interpolate(new Tensor(canvas, [n, 1, CANVAS, CANVAS], 'float32'), {
    size: [28, 28],
    mode: resize,
  });
}

async function build(
  op: string,
  options: MultiMnistOptions,
  load: (o: {
    dir?: string;
    split: 'train' | 'test';
    download: boolean;
  }) => Promise<{ left: MnistSplit; right: MnistSplit }>,
): Promise<MultiMnistDataset> {
  const o = checkOptions(op, 'options', options, [
    'dir',
    'fashionDir',
    'split',
    'seed',
    'resize',
    'limit',
    'download',
  ]);
  const split = checkChoice(op, 'split', o.split, ['train', 'test'] as const, 'train');
  const resize = checkChoice(op, 'resize', o.resize, ['bilinear', 'nearest'] as const, 'bilinear');
  const seed = checkInteger(op, 'seed', o.seed ?? 0, { min: 0 });
  const limit = o.limit === undefined ? undefined : checkInteger(op, 'limit', o.limit, { min: 1 });
  const download = checkBoolean(op, 'download', o.download, false);
  const { left, right } = await load({ dir: o.dir as string | undefined, split, download });
  const n = Math.min(limit ?? left.labels.size, left.labels.size);
  const g = new Generator(seed);
  const partner = new Int32Array(n);
  for (let i = 0; i < n; i++) partner[i] = g.integer(0, right.labels.size);
  const rightLabels = new Int32Array(n);
  for (let i = 0; i < n; i++) rightLabels[i] = (right.labels.data as Int32Array)[partner[i]!]!;
  return {
    features: overlayPairs(left.images, right.images, partner, resize),
    labels: {
      left:
        n === left.labels.size
          ? left.labels
          : new Tensor((left.labels.data as Int32Array).slice(0, n), [n], 'int32'),
      right: new Tensor(rightLabels, [n], 'int32'),
    },
    tasks: {
      left: { type: 'multiclass', classes: left.classes },
      right: { type: 'multiclass', classes: right.classes },
    },
  };
}

/**
 * MultiMNIST as Sener & Koltun (2018) build it: each MNIST digit of the split, at the top left
 * of a 36×36 canvas, with a randomly chosen partner digit shifted 6 pixels down and right,
 * overlaid by the pixel maximum and resized to 28×28 (bilinearly, as Lin et al. 2019 describe;
 * their loader used nearest). Two 10-class tasks: `left` and `right`. Seeded; built once, not
 * per epoch.
 *
 * @example
 * const data = new MultiTaskDataset(await multiMnist({ split: 'train', seed: 1 }));
 */
export function multiMnist(options: MultiMnistOptions = {}): Promise<MultiMnistDataset> {
  return build('multiMnist', options, async ({ dir, split, download }) => {
    const digits = await mnist({ dir, split, download });
    return { left: digits, right: digits };
  });
}

/** {@link multiMnist}'s recipe on Fashion-MNIST (Lin et al. 2019's MultiFashion). */
export function multiFashion(options: MultiMnistOptions = {}): Promise<MultiMnistDataset> {
  return build('multiFashion', options, async ({ dir, split, download }) => {
    const items = await fashionMnist({ dir, split, download });
    return { left: items, right: items };
  });
}

/**
 * {@link multiMnist}'s recipe with an MNIST digit on the left and a Fashion-MNIST item on the
 * right (Lin et al. 2019's Multi-(Fashion+MNIST)); `dir` is MNIST's folder, `fashionDir`
 * Fashion-MNIST's (each looked for as its loader does when omitted).
 */
export function multiFashionMnist(options: MultiMnistOptions = {}): Promise<MultiMnistDataset> {
  return build('multiFashionMnist', options, async ({ dir, split, download }) => ({
    left: await mnist({ dir, split, download }),
    right: await fashionMnist({ dir: options.fashionDir, split, download }),
  }));
}
