import { grad, type Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Generator, randn } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { HardSharing } from './HardSharing';

const makeModel = (seed = 1) =>
  HardSharing.mlp({
    inputSize: 5,
    hidden: [8, 6],
    tasks: { a: 1, b: 2, c: 1 },
    dtype: 'float64',
    generator: new Generator(seed),
  });

const data = () => {
  const g = new Generator(2);
  const x = randn([10, 5], { dtype: 'float64', generator: g });
  const targets = {
    a: randn([10, 1], { dtype: 'float64', generator: g }),
    b: randn([10, 2], { dtype: 'float64', generator: g }),
    c: randn([10, 1], { dtype: 'float64', generator: g }),
  };
  return { x, targets };
};

describe('HardSharing with single-Linear heads', () => {
  it('runs Linear heads as one product, with the outputs and gradients of running them one by one', () => {
    const model = makeModel(3);
    const { x, targets } = data();
    const out = model.forward(x);
    // The fused path: every output is a column slice of one linear node.
    expect(out.a!.node?.primitive).toBe('slice');
    const rep = model.representation!;
    const apart = Object.fromEntries(
      model.tasks.map((t) => [t, model.heads.get(t).forward(rep) as Variable]),
    );
    const params = model.parameters();
    const near = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      expect(a.length).toBe(b.length);
      for (let k = 0; k < a.length; k++)
        expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[k]!)));
    };
    for (const t of model.tasks) {
      near(out[t]!.value.data, apart[t]!.value.data);
      const target = targets[t as keyof typeof targets];
      const fused = grad(mseLoss(out[t]!, target), params, { retainGraph: true, allowUnused: true });
      const plain = grad(mseLoss(apart[t]!, target), params, { retainGraph: true, allowUnused: true });
      fused.forEach((g, i) => {
        near(g.data, plain[i]!.data);
      });
    }
  });

  it('runs heads that are not a single Linear one by one', () => {
    const model = HardSharing.mlp({
      inputSize: 5,
      hidden: [4],
      tasks: { a: 1, b: 1 },
      headHidden: [3],
      dtype: 'float64',
      generator: new Generator(4),
    });
    const out = model.forward(randn([2, 5], { dtype: 'float64' }));
    expect(out.a!.node?.primitive).toBe('linear');
  });
});
