import type { Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Generator, randn } from '@mtl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { HardSharing } from '../src/architectures/HardSharing';
import { GradNorm } from '../src/methods/GradNorm';
import * as weighting from '../src/methods/WeightingMethod';

// Counts the per-task backward passes (every one goes through taskGradients).
vi.mock('../src/methods/WeightingMethod', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/methods/WeightingMethod')>();
  return { ...original, taskGradients: vi.fn(original.taskGradients) };
});
const taskGradients = vi.mocked(weighting.taskGradients);

const makeModel = () =>
  HardSharing.mlp({
    inputSize: 4,
    hidden: [6],
    tasks: { a: 1, b: 2 },
    dtype: 'float64',
    generator: new Generator(1),
  });

function losses(model: HardSharing): Record<string, Variable> {
  const g = new Generator(2);
  const out = model.forward(randn([7, 4], { dtype: 'float64', generator: g }));
  return Object.fromEntries(
    model.tasks.map((t) => [t, mseLoss(out[t]!, randn(out[t]!.shape, { dtype: 'float64', generator: g }))]),
  );
}

function pastEpoch0(options: ConstructorParameters<typeof GradNorm>[0] = {}): GradNorm {
  const method = new GradNorm(options).init(['a', 'b']);
  method.loadStateDict({
    logits: { a: 0.5, b: 1.5 },
    initial: { a: { sum: 2, count: 1 }, b: { sum: 0.5, count: 1 } },
    lastEpoch: 0,
  });
  return method;
}

describe('GradNorm with diagnostics', () => {
  it('takes the per-task gradients once per step, shared with the diagnostics, with the same result', () => {
    const plainModel = makeModel();
    const plain = pastEpoch0();
    taskGradients.mockClear();
    const plainWeights = plain.backward(losses(plainModel), {
      shared: plainModel.sharedParameters(),
      epoch: 1,
    });
    expect(taskGradients).toHaveBeenCalledTimes(1);

    const m = makeModel();
    const method = pastEpoch0({ diagnostics: true });
    taskGradients.mockClear();
    const weights = method.backward(losses(m), { shared: m.sharedParameters(), epoch: 1 });
    expect(taskGradients).toHaveBeenCalledTimes(1);
    expect(weights).toEqual(plainWeights);
    expect(m.parameters().map((p) => Array.from(p.grad!.data))).toEqual(
      plainModel.parameters().map((p) => Array.from(p.grad!.data)),
    );
    expect(method.parameters().map((p) => p.grad!.item())).toEqual(
      plain.parameters().map((p) => p.grad!.item()),
    );
    expect(Object.keys(method.lastDiagnostics!.gradNorms!)).toEqual(['a', 'b']);

    // A second step takes fresh gradients (nothing is kept across backward calls).
    taskGradients.mockClear();
    method.backward(losses(m), { shared: m.sharedParameters(), epoch: 1 });
    expect(taskGradients).toHaveBeenCalledTimes(1);
  });

  it('still takes its own gradients when normParameters differ from the shared parameters', () => {
    const m = makeModel();
    const last = m.sharedParameters().slice(-1);
    const method = pastEpoch0({ diagnostics: true, normParameters: last });
    taskGradients.mockClear();
    method.backward(losses(m), { shared: m.sharedParameters(), epoch: 1 });
    expect(taskGradients).toHaveBeenCalledTimes(2);
  });
});
