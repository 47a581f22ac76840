/**
 * multiLeNet() against PyTorch: the weights of a torch MultiLeNet (written by
 * tools/reference/multilenet.py as safetensors, exactly as safetensors.torch.save_file lays them
 * out) load strictly into ours, and one batch gives torch's logits, per-task cross-entropies and
 * the gradient of their sum for every parameter. float32 is checked against torch's float64 run
 * rounded to float32 (1e-5); float64, the same weights cast up, against that run (1e-10).
 * To regenerate: /usr/bin/python3 tools/reference/multilenet.py
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { add, type Variable } from '@mtl/autograd';
import { multiLeNet } from '@mtl/multitask';
import { crossEntropy, loadSafetensors, loadSafetensorsFile } from '@mtl/nn';
import { type DType, Tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  compareTensor,
  type FixtureTensor,
  fixtureArray,
  type Tolerance,
} from '../../../tools/testing/fixtureTensors';

interface Results {
  logits: Record<string, FixtureTensor>;
  losses: Record<string, FixtureTensor>;
  loss: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

interface Fixture {
  file: string;
  tasks: Record<string, number>;
  x: FixtureTensor;
  labels: Record<string, FixtureTensor>;
  float32: Results;
  float64: Results;
}

const here = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const fixture = JSON.parse(readFileSync(here('multiLeNet.json'), 'utf8')) as Fixture;
const TOLERANCES: Record<'float32' | 'float64', Tolerance> = {
  float32: { rtol: 1e-5, atol: 1e-5 },
  float64: { rtol: 1e-10, atol: 1e-10 },
};

const decode = (t: FixtureTensor): Tensor => new Tensor(fixtureArray(t), t.shape, t.dtype);

function expectClose(got: unknown, exp: FixtureTensor, label: string): void {
  const problem = compareTensor(got, exp, label, TOLERANCES);
  expect(problem, label).toBeNull();
}

describe('multiLeNet() with the weights of a PyTorch MultiLeNet', () => {
  it('loads the torch file strictly: the same names, shapes and float32 values', async () => {
    const torchState = await loadSafetensorsFile(here(fixture.file));
    const model = multiLeNet({ tasks: fixture.tasks });
    expect(Object.keys(torchState).sort()).toEqual(Object.keys(model.stateDict()).sort());
    expect(model.loadStateDict(torchState, { strict: true })).toEqual({
      missingKeys: [],
      unexpectedKeys: [],
    });
    for (const [name, value] of Object.entries(model.stateDict())) {
      expect(value.dtype, name).toBe('float32');
      expect(value.shape, name).toEqual(torchState[name]!.shape);
      expect([...value.data], name).toEqual([...torchState[name]!.data]);
    }
  });

  describe.each(['float32', 'float64'] as const)('in %s', (dtype: DType & ('float32' | 'float64')) => {
    const expected = fixture[dtype];

    function run() {
      const model = multiLeNet({ tasks: fixture.tasks, dtype });
      // loadStateDict keeps each parameter's dtype: float64 gets the float32 weights cast up exactly.
      model.loadStateDict(loadSafetensors(readFileSync(here(fixture.file))), { strict: true });
      const x = decode(fixture.x).to(dtype);
      const logits = model.forward(x);
      const losses: Record<string, Variable> = {};
      for (const task of model.tasks)
        losses[task] = crossEntropy(logits[task]!, decode(fixture.labels[task]!));
      const total = Object.values(losses).reduce((a, b) => add(a, b));
      total.backward();
      return { model, logits, losses, total };
    }

    it("gives torch's logits and per-task cross-entropies", () => {
      const { model, logits, losses, total } = run();
      expect(model.tasks).toEqual(Object.keys(expected.logits));
      for (const task of model.tasks) {
        expectClose(logits[task]!.value, expected.logits[task]!, `logits.${task}`);
        expectClose(losses[task]!.value, expected.losses[task]!, `losses.${task}`);
      }
      expectClose(total.value, expected.loss, 'loss');
    });

    it("gives torch's gradient of the summed loss for every parameter", () => {
      const { model } = run();
      const named = [...model.namedParameters()];
      expect(named.map(([name]) => name).sort()).toEqual(Object.keys(expected.grads).sort());
      for (const [name, p] of named) {
        expect(p.grad, name).not.toBeNull();
        expectClose(p.grad, expected.grads[name]!, `grad ${name}`);
      }
    });
  });
});
