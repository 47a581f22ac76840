import { EW, multiLeNet } from '@mtl/multitask';
import { crossEntropy } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, randint, randn, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';

describe('multiLeNet', () => {
  it("is Sener & Koltun's MultiLeNet: names, shapes and parameter count", () => {
    const model = multiLeNet({ generator: new Generator(1) });
    const shapes = Object.fromEntries([...model.namedParameters()].map(([name, p]) => [name, p.value.shape]));
    expect(shapes).toEqual({
      'encoder.0.weight': [10, 1, 5, 5],
      'encoder.0.bias': [10],
      'encoder.3.weight': [20, 10, 5, 5],
      'encoder.3.bias': [20],
      'encoder.7.weight': [50, 320],
      'encoder.7.bias': [50],
      'heads.left.0.weight': [50, 50],
      'heads.left.0.bias': [50],
      'heads.left.1.weight': [10, 50],
      'heads.left.1.bias': [10],
      'heads.right.0.weight': [50, 50],
      'heads.right.0.bias': [50],
      'heads.right.1.weight': [10, 50],
      'heads.right.1.bias': [10],
    });
    expect(model.parameters().reduce((n, p) => n + p.value.size, 0)).toBe(27_450);
    const out = model.forward(randn([3, 1, 28, 28], { generator: new Generator(2) }));
    expect(out.left!.shape).toEqual([3, 10]);
    expect(out.right!.shape).toEqual([3, 10]);
  });

  it('trains: the summed cross-entropy of a fixed batch falls under EW + Adam', () => {
    const g = new Generator(3);
    const x = randn([16, 1, 28, 28], { generator: g });
    const targets = {
      left: randint(0, 10, [16], { generator: g }),
      right: randint(0, 10, [16], { generator: g }),
    };
    const model = multiLeNet({ generator: g });
    const optimizer = new Adam(model.parameters(), { lr: 5e-3 });
    const method = new EW();
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      optimizer.zeroGrad();
      const out = model.forward(x);
      const perTask = {
        left: crossEntropy(out.left!, targets.left),
        right: crossEntropy(out.right!, targets.right),
      };
      losses.push(perTask.left.item() + perTask.right.item());
      method.backward(perTask, { shared: model.sharedParameters() });
      optimizer.step();
    }
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
  });

  it('takes other task sizes and refuses bad options', () => {
    const model = multiLeNet({ tasks: { digit: 10, parity: 2 } });
    expect(model.tasks).toEqual(['digit', 'parity']);
    expectTyped(() => multiLeNet({ tasks: {} }), ValueError, 'multiLeNet: tasks must name at least one task');
    expectTyped(() => multiLeNet({ classes: 3 } as never), ValueError, 'multiLeNet');
  });
});
