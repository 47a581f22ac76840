import { grad } from '@mtl/autograd';
import { CGC, CrossStitch, HardSharing, MMoE, type MultiTaskModel, PLE, PLELevel } from '@mtl/multitask';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@mtl/nn';
import { Generator, randn } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';

/*
 * Every architecture takes any modules for its shared parts, so convolutional ones work: each is
 * built with conv encoders / experts / columns on 1×12×12 images, and a forward and backward
 * reach every parameter.
 */

const g = new Generator(5);
const x = randn([4, 1, 12, 12], { generator: g });
const tasks = ['a', 'b'] as const;
/** 1×12×12 → 8: conv, pool, relu, flatten, linear. */
const convNet = (out = 8) =>
  new Sequential(
    new Conv2d(1, 3, 3, { padding: 1, generator: g }),
    new MaxPool2d(2),
    new ReLU(),
    new Flatten(),
    new Linear(3 * 6 * 6, out, { generator: g }),
  );
/** A gate reading the image: flatten, then one logit per expert. */
const imageGate = (experts: number) =>
  new Sequential(new Flatten(), new Linear(144, experts, { generator: g }));
const head = () => new Linear(8, 2, { generator: g });

function checkTrains(model: MultiTaskModel): void {
  const out = model.forward(x);
  for (const t of tasks) expect(out[t]!.shape).toEqual([4, 2]);
  const params = model.parameters();
  const grads = grad(
    tasks.map((t) => out[t]!.square().sum()),
    params,
  );
  expect(grads.map((gr) => gr.shape)).toEqual(params.map((p) => p.value.shape));
  expect(grads.some((gr) => gr.abs().sum().item() > 0)).toBe(true);
}

describe('architectures with convolutional parts', () => {
  it('HardSharing with a conv encoder', () => {
    checkTrains(new HardSharing({ encoder: convNet(), heads: { a: head(), b: head() } }));
  });

  it('MMoE with conv experts and gates on the flattened image', () => {
    checkTrains(
      new MMoE({
        experts: [convNet(), convNet(), convNet()],
        gates: { a: imageGate(3), b: imageGate(3) },
        towers: { a: head(), b: head() },
      }),
    );
  });

  it('CGC and PLE with conv experts', () => {
    checkTrains(
      new CGC({
        sharedExperts: [convNet()],
        taskExperts: { a: [convNet()], b: [convNet()] },
        gates: { a: imageGate(2), b: imageGate(2) },
        towers: { a: head(), b: head() },
      }),
    );
    checkTrains(
      new PLE({
        levels: [
          new PLELevel({
            sharedExperts: [convNet()],
            taskExperts: { a: [convNet()], b: [convNet()] },
            gates: { a: imageGate(2), b: imageGate(2) },
          }),
        ],
        towers: { a: head(), b: head() },
      }),
    );
  });

  it('CrossStitch with conv columns: the stitches mix feature maps of any rank', () => {
    const column = () => [
      new Sequential(new Conv2d(1, 3, 3, { padding: 1, generator: g }), new ReLU()),
      new Sequential(new MaxPool2d(2), new Flatten(), new Linear(108, 8, { generator: g })),
    ];
    checkTrains(new CrossStitch({ columns: { a: column(), b: column() }, heads: { a: head(), b: head() } }));
  });
});
