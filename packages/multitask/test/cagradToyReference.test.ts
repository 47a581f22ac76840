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
 * Adam(lr=0.001), float64). After 5,000 steps from the second start, in the toy's smooth quadratic
 * region, every method ends where the reference does. From the other two starts the path runs
 * along the kinked valley of the log terms, where the dynamics amplify any difference — even EW
 * on the sum instead of the mean ends 0.04–0.13 away — so there the test takes the reference
 * code's full 100,000 steps and the paper's Figure 1 claim: CAGrad ends at the middle of the
 * Pareto set from both upper starts, as the reference does, while EW stays in the valley.
 */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    number[][]
  >;
const reference = fixture('cagradToy.json');
const reference100k = fixture('cagradToy100k.json');

/** Where x ends after `steps` Adam(1e-3) steps of the method from a start. */
function run(make: () => WeightingMethod, start: number, steps: number): [number, number] {
  const x = new Parameter(tensor([...cagradToyStarts[start]!], { dtype: 'float64' }));
  const optimizer = new Adam([x], { lr: 0.001 });
  const method = make();
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const { l1, l2 } = cagradToyLosses(x);
    method.backward({ l1, l2 }, { shared: [x] });
    optimizer.step();
  }
  return [x.value.get(0), x.value.get(1)];
}

const methods: Record<string, () => WeightingMethod> = {
  ew: () => new EW(),
  mgda: () => new MGDA(),
  pcgrad: () => new PCGrad(),
  cagrad: () => new CAGrad({ calpha: 0.5, rescale: 1 }),
};

describe("the CAGrad paper's toy against its reference code", () => {
  it.each(Object.keys(methods))('%s ends where the reference does from the second start', (name) => {
    const [x1, x2] = run(methods[name]!, 1, 5000);
    const [r1, r2] = reference[name]![1]!;
    expect(Math.hypot(x1 - r1!, x2 - r2!)).toBeLessThan(1e-2);
  });

  // The reference code's 100,000 steps: 30–50 s a CAGrad run, 20–30 s an EW run here alone; the
  // timeout leaves room for a CI machine running another test file beside it (one took 120 s).
  it.each([
    ['cagrad', 0],
    ['cagrad', 2],
    ['ew', 0],
  ] as const)(
    '%s from start %i after 100,000 steps ends where the reference does',
    (name, start) => {
      const [x1, x2] = run(methods[name]!, start, 100_000);
      const [r1, r2] = reference100k[name]![start]!;
      if (name === 'cagrad') {
        // The middle of the Pareto set (x₁ = 0, x₂ ≈ −8.355), where both losses are equal.
        expect(Math.hypot(x1 - r1!, x2 - r2!)).toBeLessThan(1e-2);
        expect(Math.abs(x1)).toBeLessThan(1e-2);
      } else {
        // Stuck in the left valley near (−5.1, 2.2), oscillating, as the reference.
        expect(Math.hypot(x1 - r1!, x2 - r2!)).toBeLessThan(0.1);
        expect(x2).toBeGreaterThan(0);
      }
    },
    300_000,
  );
});
