import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@mtl/nn';
import type { DType, Generator } from '@mtl/tensor';
import { checkFloatDType, checkGenerator, checkOptions } from '../data/check';
import { checkTaskSizes } from './checkArgs';
import { HardSharing } from './HardSharing';

/** Options of {@link multiLeNet}. */
export interface MultiLeNetOptions {
  /** Classes per task. Default `{ left: 10, right: 10 }` (MultiMNIST's two digits). */
  tasks?: Record<string, number>;
  dtype?: DType;
  /** Where the initial weights come from (the default generator otherwise). */
  generator?: Generator;
}

/**
 * The MultiLeNet of Sener & Koltun (2018), used by MGDA, Pareto MTL and their successors on
 * MultiMNIST and MultiFashion: a shared LeNet encoder for 1×28×28 images —
 * Conv2d(1, 10, 5) → MaxPool2d(2) → ReLU → Conv2d(10, 20, 5) → MaxPool2d(2) → ReLU → Flatten →
 * Linear(320, 50) → ReLU — and per task Linear(50, 50) → ReLU → Linear(50, classes), as
 * HardSharing. Parameter names match a torch module with `encoder` and `heads.<task>` built from
 * the same layers, so its safetensors file loads strictly.
 *
 * @example
 * const model = multiLeNet(); // forward(x [N, 1, 28, 28]) → { left: [N, 10], right: [N, 10] }
 */
export function multiLeNet(options: MultiLeNetOptions = {}): HardSharing {
  const op = 'multiLeNet';
  const o = checkOptions(op, 'options', options, ['tasks', 'dtype', 'generator']);
  const tasks = checkTaskSizes(op, o.tasks ?? { left: 10, right: 10 });
  const dtype = checkFloatDType(op, 'dtype', o.dtype);
  const generator = checkGenerator(op, 'generator', o.generator);
  const layer = { dtype, generator };
  const encoder = new Sequential(
    new Conv2d(1, 10, 5, layer),
    new MaxPool2d(2),
    new ReLU(),
    new Conv2d(10, 20, 5, layer),
    new MaxPool2d(2),
    new ReLU(),
    new Flatten(),
    new Linear(320, 50, { ...layer, activation: 'relu' }),
  );
  const heads = Object.fromEntries(
    Object.entries(tasks).map(([task, classes]) => [
      task,
      new Sequential(new Linear(50, 50, { ...layer, activation: 'relu' }), new Linear(50, classes, layer)),
    ]),
  );
  return new HardSharing({ encoder, heads });
}
