import { Parameter } from '@mtl/autograd';
import {
  boxQP,
  CAGrad,
  cagradToyLosses,
  cagradToyStarts,
  cagradWeights,
  fairGradWeights,
  minNormSimplex,
  minNormSimplexFrankWolfe,
  nashWeights,
} from '@mtl/multitask';
import { Adam } from '@mtl/optim';
import { tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { gradRows, gramOf } from './gramFixtures';

/*
 * Gramians of nearly parallel and nearly opposed gradients are positive semi-definite only up to
 * rounding (a slightly negative determinant, a diagonal a hair below 0 after a shift): every
 * solver must accept them and return finite weights, never throw "not a Gramian".
 */

/** Rows g and s·g + ε·noise: nearly parallel (s = 1) or nearly opposed (s = −1). */
function nearly(sign: 1 | -1, eps: number, seed: number): Float64Array {
  const [g, noise] = gradRows(2, 50, seed);
  const h = g!.map((v, j) => sign * v + eps * noise![j]!);
  return gramOf([g!, h]);
}

const cases: [string, Float64Array][] = [];
for (const eps of [0, 1e-9, 1e-6]) {
  for (const seed of [1, 2, 3]) {
    cases.push([`parallel ε=${eps} seed ${seed}`, nearly(1, eps, seed)]);
    cases.push([`opposed ε=${eps} seed ${seed}`, nearly(-1, eps, seed)]);
  }
}
// A diagonal a hair below 0, as rounding leaves it for a zero gradient.
cases.push(['a zero gradient rounded below 0', Float64Array.of(4, 0, 0, -1e-12)]);
// The Gramian (over its trace) at which CAGrad threw on the paper's toy: opposed gradients whose
// determinant rounds to −3e-18.
const toyGram = Float64Array.of(0.5000000017164984, -0.5, -0.5, 0.4999999982835016);

const finiteWeights = (w: Float64Array) => Array.from(w).every(Number.isFinite);

describe('solvers on nearly parallel and nearly opposed gradients', () => {
  it.each(cases)('%s', (_name, gram) => {
    const mean = gram.reduce((a, b) => a + b, 0) / 4;
    const c = 0.5 * Math.sqrt(Math.max(mean, 0));
    for (const w of [
      cagradWeights(gram, 2, { c }),
      minNormSimplex(gram, 2),
      minNormSimplexFrankWolfe(gram, 2),
      fairGradWeights(gram, 2),
      boxQP(gram, 2, new Float64Array(2)),
    ])
      expect(finiteWeights(w)).toBe(true);
    const simplex = minNormSimplex(gram, 2);
    expect(simplex[0]! + simplex[1]!).toBeCloseTo(1, 12);
    if (gram[0]! > 0 && gram[3]! > 0) expect(finiteWeights(nashWeights(gram, 2))).toBe(true);
  });

  it('cagradWeights on the opposed Gramian that made it throw, at every radius', () => {
    for (const c of [1e-12, 1e-10, 1e-9, 1e-8, 1e-6, 1e-3, 0.5]) {
      const w = cagradWeights(toyGram, 2, { c });
      expect(finiteWeights(w)).toBe(true);
      expect(w[0]! + w[1]!).toBeCloseTo(1, 12);
    }
  });

  it("CAGrad passes the step at which it threw on the paper's toy (second start, Adam 1e-3: step 14,903)", () => {
    const x = new Parameter(tensor([...cagradToyStarts[1]!], { dtype: 'float64' }));
    const optimizer = new Adam([x], { lr: 0.001 });
    const method = new CAGrad({ calpha: 0.5, rescale: 1 });
    for (let step = 0; step < 15_000; step++) {
      optimizer.zeroGrad();
      const { l1, l2 } = cagradToyLosses(x);
      method.backward({ l1, l2 }, { shared: [x] });
      optimizer.step();
    }
    expect(Array.from(x.value.data).every(Number.isFinite)).toBe(true);
  }, 60_000);
});
