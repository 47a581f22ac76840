import { MultiTaskDataset, mmoeSynthetic } from '@mtl/multitask';
import { type Tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';

function cosine(w: Tensor, a: number, b: number): number {
  const d = w.shape[1]!;
  const v = w.data as Float64Array;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < d; j++) {
    dot += v[a * d + j]! * v[b * d + j]!;
    na += v[a * d + j]! ** 2;
    nb += v[b * d + j]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

function pearson(x: Tensor, y: Tensor): number {
  const a = x.data as Float64Array;
  const b = y.data as Float64Array;
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('mmoeSynthetic (Ma et al. 2018)', () => {
  it('draws weight vectors at the set cosine, with unit scale c (2 tasks as the paper, more symmetric)', () => {
    const two = mmoeSynthetic({ correlation: -0.5, samples: 10, seed: 3 });
    expect(two.weights.shape).toEqual([2, 100]);
    expect(cosine(two.weights, 0, 1)).toBeCloseTo(-0.5, 12);
    const norm = Math.hypot(...(two.weights.data as Float64Array).slice(0, 100));
    expect(norm).toBeCloseTo(1, 12);
    const three = mmoeSynthetic({ correlation: 0.3, tasks: 3, features: 20, samples: 10, scale: 2, seed: 1 });
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ])
      expect(cosine(three.weights, a!, b!)).toBeCloseTo(0.3, 12);
    expect(Object.keys(three.tasks)).toEqual(['task0', 'task1', 'task2']);
  });

  it('keeps the inputs when only the correlation changes; labels follow the tasks’ correlation', () => {
    const high = mmoeSynthetic({ correlation: 0.9, samples: 4000, seed: 2 });
    const low = mmoeSynthetic({ correlation: 0.1, samples: 4000, seed: 2 });
    expect(Array.from(high.features.data)).toEqual(Array.from(low.features.data));
    const rHigh = pearson(high.labels.task0!, high.labels.task1!);
    const rLow = pearson(low.labels.task0!, low.labels.task1!);
    expect(rHigh).toBeGreaterThan(rLow + 0.3);
    expect(new MultiTaskDataset(high).numFeatures).toBe(100);
    // Same seed, same data.
    expect(
      Array.from(mmoeSynthetic({ correlation: 0.9, samples: 4000, seed: 2 }).labels.task1!.data),
    ).toEqual(Array.from(high.labels.task1!.data));
  });

  it('refuses impossible settings', () => {
    expectTyped(
      () => mmoeSynthetic({ correlation: -0.2, tasks: 3 }),
      ValueError,
      'mmoeSynthetic: correlation',
    );
    expectTyped(() => mmoeSynthetic({ correlation: 1.5 }), ValueError, 'mmoeSynthetic: correlation');
    expectTyped(() => mmoeSynthetic({ tasks: 4, features: 4 }), ValueError, 'need features >= tasks + 1 = 5');
    expectTyped(() => mmoeSynthetic({ correlaton: 0.5 } as never), ValueError, 'mmoeSynthetic');
  });
});
