import { EW, MultiTaskDataset, multiLeNet, Trainer } from '@mtl/multitask';
import { Adam } from '@mtl/optim';
import { Generator, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';

/*
 * Image features through the Trainer: a MultiLeNet learns two image tasks (which half holds a
 * bright bar; whether the bar is a row or a column) from [N, 1, 28, 28] features.
 */
function barImages(n: number, seed: number): MultiTaskDataset {
  const g = new Generator(seed);
  const pixels = new Float32Array(n * 28 * 28);
  const side = new Int32Array(n);
  const orientation = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    side[i] = g.uniform() < 0.5 ? 0 : 1;
    orientation[i] = g.uniform() < 0.5 ? 0 : 1;
    const at = 3 + Math.floor(g.uniform() * 8) + side[i]! * 14;
    for (let k = 0; k < 28; k++) {
      const [r, c] = orientation[i] ? [k, at] : [at, k];
      // A row bar lies in the top or bottom half; a column bar in the left or right half.
      pixels[i * 784 + r * 28 + c] = 1;
    }
  }
  return new MultiTaskDataset({
    features: tensor(pixels, { shape: [n, 1, 28, 28] }),
    labels: { side: tensor(side, { dtype: 'int32' }), orientation: tensor(orientation, { dtype: 'int32' }) },
  });
}

describe('the Trainer on image features', () => {
  it('trains MultiLeNet on [N, 1, 28, 28] images to a stated accuracy', () => {
    const model = multiLeNet({ tasks: { side: 2, orientation: 2 }, generator: new Generator(7) });
    const trainer = new Trainer({
      model,
      tasks: [
        { name: 'side', type: 'multiclass' },
        { name: 'orientation', type: 'multiclass' },
      ],
      optimizer: new Adam(model.parameters(), { lr: 3e-3 }),
      weighting: new EW(),
      progress: false,
    });
    trainer.fit(barImages(256, 1), { epochs: 3, batchSize: 32 });
    const metrics = trainer.evaluate(barImages(128, 2));
    expect(metrics.side!.accuracy).toBeGreaterThan(0.9);
    expect(metrics.orientation!.accuracy).toBeGreaterThan(0.9);
  });
});
