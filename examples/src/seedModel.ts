/**
 * The seed's model: a shared Dense(128, relu) trunk, one regression head per task, Adam (lr 0.01) on
 * the per-task MSE — on synthetic data with four related tasks.
 */
import { EW, HardSharing, MultiTaskDataset, relatedTasks, Trainer } from '@mtl/multitask';
import { Adam } from '@mtl/optim';
import { Generator } from '@mtl/tensor';

export function seedModel({ epochs = 20, log = console.log } = {}) {
  const data = relatedTasks({ tasks: 4, samples: 1024, features: 64, conflict: 0.3, seed: 0 });
  const dataset = new MultiTaskDataset({ features: data.features, labels: data.labels });
  const taskNames = Object.keys(data.labels);
  const model = HardSharing.mlp({
    inputSize: 64,
    hidden: [128],
    tasks: Object.fromEntries(taskNames.map((t) => [t, 1])),
    generator: new Generator(0),
  });
  const trainer = new Trainer({
    model,
    tasks: taskNames.map((name) => ({ name, type: 'regression' as const })),
    optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
    weighting: new EW(),
  });
  trainer.fit(dataset, { epochs, batchSize: 256 });
  const results = trainer.evaluate(dataset);
  for (const task of taskNames) log(`${task}: R² ${results[task]!.r2!.toFixed(3)}`);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) seedModel();
