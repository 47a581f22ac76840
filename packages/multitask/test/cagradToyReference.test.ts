import { readFileSync } from 'node:fs';
import { Parameter } from '@mtl/autograd';
import {
  CAGrad,
  cagradToyLosses,
  cagradToyStarts,
  EW,
  MGDA,
  PCGrad,
  type WeightingMethod,
} from '@mtl/multitask';
import { Adam } from '@mtl/optim';
import { tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';

/*
 * The CAGrad paper's toy against its reference code run in PyTorch (tools/reference/cagrad_toy.py:
 * Adam(lr=0.001), float64, 5,000 steps). From the second start, in the toy's smooth quadratic
 * region, every method ends where the reference does. (From the other two starts the path runs
 * along the kinked valley of the log terms, where the dynamics amplify any difference — even
 * EW on the sum instead of the mean ends 0.04–0.13 away — so those are not compared point-wise.)
 */
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/cagradToy.json', import.meta.url), 'utf8'),
) as Record<string, number[][]>;

const methods: Record<string, () => WeightingMethod> = {
  ew: () => new EW(),
  mgda: () => new MGDA(),
  pcgrad: () => new PCGrad(),
  cagrad: () => new CAGrad({ calpha: 0.5, rescale: 1 }),
};

describe("the CAGrad paper's toy against its reference code", () => {
  it.each(Object.keys(methods))('%s ends where the reference does from the second start', (name) => {
    const x = new Parameter(tensor([...cagradToyStarts[1]!], { dtype: 'float64' }));
    const optimizer = new Adam([x], { lr: 0.001 });
    const method = methods[name]!();
    for (let step = 0; step < 5000; step++) {
      optimizer.zeroGrad();
      const { l1, l2 } = cagradToyLosses(x);
      method.backward({ l1, l2 }, { shared: [x] });
      optimizer.step();
    }
    const [x1, x2] = reference[name]![1]!;
    expect(Math.hypot(x.value.get(0) - x1!, x.value.get(1) - x2!)).toBeLessThan(1e-2);
  });
});
