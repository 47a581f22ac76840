import { Adam } from '@mtl/optim';
import { Generator, randn, type Tensor } from '@mtl/tensor';
import { MultiTaskDataset } from '../../src/data/MultiTaskDataset';
import { HardSharing } from '../../src/index';
import { Trainer } from '../../src/training/Trainer';

/**
 * A model big enough that a save takes hundreds of milliseconds (1.6 M float32 weights: with
 * Adam's two moments a 19 MB checkpoint), trained one step so the optimizer has state.
 */
export function makeCrashTrainer(): Trainer {
  const model = HardSharing.mlp({
    inputSize: 512,
    hidden: [1024, 1024],
    tasks: { a: 1, b: 1 },
    generator: new Generator(1),
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const tasks = [
    { name: 'a', type: 'regression' as const },
    { name: 'b', type: 'regression' as const },
  ];
  const trainer = new Trainer({ model, tasks, optimizer, progress: false });
  const x = randn([4, 512], { generator: new Generator(2) });
  trainer.fit(new MultiTaskDataset({ features: x, labels: { a: x.select(1, 0), b: x.select(1, 1) } }), {
    epochs: 1,
    batchSize: 4,
    trainMetrics: false,
  });
  return trainer;
}

/** Element i of tensor number j in generation k: distinct across generations, exact in float32. */
export function generationValue(k: number, j: number, i: number): number {
  return k * 4096 + ((i * 7 + j) % 4093);
}

/** Every tensor of the trainer — weights, then optimizer state — in a fixed order. */
export function generationTensors(trainer: Trainer): Tensor[] {
  const weights = trainer.model.parameters().map((p) => p.value);
  const moments = [...trainer.optimizer.state.values()].flatMap((s) =>
    Object.values(s).filter((v): v is Tensor => typeof v !== 'number'),
  );
  return [...weights, ...moments];
}

/** Makes the trainer hold generation k. */
export function fillGeneration(trainer: Trainer, k: number): void {
  generationTensors(trainer).forEach((t, j) => {
    for (let i = 0; i < t.size; i++) t.data[i] = generationValue(k, j, i);
  });
  trainer.epoch = k;
  trainer.stepCount = k;
}

/**
 * The generation each tensor holds (-1 where a tensor matches none), read from its first element
 * and checked on all of them.
 */
export function generationsOf(tensors: Tensor[]): number[] {
  return tensors.map((t, j) => {
    const k = Math.floor(t.data[0]! / 4096);
    for (let i = 0; i < t.size; i++) if (t.data[i] !== generationValue(k, j, i)) return -1;
    return k;
  });
}
