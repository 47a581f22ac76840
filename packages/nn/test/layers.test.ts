import { grad, mul, sum, type Variable, variable } from '@mtl/autograd';
import { allClose, Generator, LINEAR_ACTIVATIONS, type LinearActivation, randn, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Dropout,
  Embedding,
  GELU,
  Identity,
  LayerNorm,
  Linear,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  SiLU,
  Tanh,
} from '../src/index';

describe('Dropout', () => {
  it('drops in training, is the identity in eval, and is seeded', () => {
    const x = randn([1000]);
    const a = new Dropout(0.3, { generator: new Generator(1) });
    const b = new Dropout(0.3, { generator: new Generator(1) });
    const ya = a.forward(x).value;
    expect(ya.toArray()).toEqual(b.forward(x).value.toArray());
    const zeros = Array.from(ya.data).filter((v) => v === 0).length;
    expect(zeros / 1000).toBeGreaterThan(0.2);
    expect(zeros / 1000).toBeLessThan(0.4);
    a.eval();
    expect(a.forward(x).value.toArray()).toEqual(x.toArray());
  });

  it('rejects p outside [0, 1] at construction', () => {
    expect(() => new Dropout(1.5)).toThrow(/p/);
  });
});

describe('LayerNorm', () => {
  it('normalises the last dims to mean 0 and variance 1, with learnable weight and bias', () => {
    const ln = new LayerNorm(8, { dtype: 'float64' });
    const y = ln.forward(randn([4, 8], { dtype: 'float64' }).mul(3).add(5)).value;
    const mean = y.mean(1);
    const variance = y.variance(1, { unbiased: false });
    mean.data.forEach((m) => {
      expect(Math.abs(m)).toBeLessThan(1e-12);
    });
    variance.data.forEach((v) => {
      expect(v).toBeCloseTo(1, 4);
    });
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(new LayerNorm([2, 3], { elementwiseAffine: false }).parameters()).toEqual([]);
  });
});

describe('BatchNorm1d', () => {
  it('has PyTorch’s state-dict names and uses running statistics in eval', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    const x = randn([16, 3], { dtype: 'float64', generator: new Generator(2) })
      .mul(2)
      .add(1);
    bn.forward(x);
    bn.forward(x);
    expect(bn.stateDict().num_batches_tracked!.item()).toBe(2);
    const running = Array.from(bn.stateDict().running_mean!.data);
    const batchMean = Array.from(x.mean(0).data);
    // Two updates with momentum 0.1 from 0: 0.19 · batch mean.
    running.forEach((r, i) => {
      expect(r).toBeCloseTo(0.19 * batchMean[i]!, 12);
    });
    bn.eval();
    const y = bn.forward(x).value;
    const expected = x.sub(bn.stateDict().running_mean!).div(bn.stateDict().running_var!.add(1e-5).sqrt());
    y.data.forEach((v, i) => {
      expect(v).toBeCloseTo(expected.data[i]!, 12);
    });
  });
});

describe('Embedding', () => {
  it('looks up rows for int32 indices of any shape, and its gradient adds up repeats', () => {
    const e = new Embedding(5, 3, { generator: new Generator(4) });
    const idx = tensor(
      [
        [0, 4],
        [4, 1],
      ],
      { dtype: 'int32' },
    );
    const out = e.forward(idx);
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.value.data.slice(0, 3))).toEqual(Array.from(e.weight.value.data.slice(0, 3)));
    sum(out).backward();
    expect(Array.from(e.weight.grad!.data)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
    expect(() => e.forward(tensor([0.5]))).toThrow(/Embedding: indices must be an int32 Tensor/);
  });
});

describe('a small model end to end', () => {
  it('trains: the loss of a 2-layer MLP on a fixed batch goes down under plain gradient descent', () => {
    const g = new Generator(7);
    const model = new Sequential(
      new Linear(4, 16, { generator: g }),
      new ReLU(),
      new Linear(16, 1, { generator: g }),
    );
    const x = randn([32, 4], { generator: g });
    const y = x.sum(1, { keepDim: true });
    const loss = () => sum(model.forward(x).sub(y).square()).div(32);
    const first = loss().item();
    for (let i = 0; i < 100; i++) {
      model.zeroGrad();
      loss().backward();
      for (const p of model.parameters()) p.value = p.value.sub(p.grad!.mul(0.05));
    }
    expect(loss().item()).toBeLessThan(first / 5);
  });
});

describe("Linear's activation option", () => {
  const modules: Record<LinearActivation, (() => Module & { forward(x: never): Variable }) | null> = {
    none: null,
    relu: () => new ReLU(),
    gelu: () => new GELU(),
    silu: () => new SiLU(),
    tanh: () => new Tanh(),
    sigmoid: () => new Sigmoid(),
  };
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-6, atol: 1e-6 };
    // float32 gradients: one rounding in the fused backward where the ops round after each step.
    const gradTol = dtype === 'float64' ? tol : { rtol: 1e-5, atol: 1e-5 };
    for (const activation of LINEAR_ACTIVATIONS) {
      it(`${activation} equals the Linear followed by its activation module: values and gradients (${dtype})`, () => {
        const g = new Generator(3);
        for (const bias of [true, false]) {
          const fused = new Linear(6, 5, { bias, activation, dtype, generator: g });
          const plain = new Linear(6, 5, { bias, dtype });
          plain.loadStateDict(fused.stateDict());
          const act = modules[activation];
          const apart = act === null ? plain : new Sequential(plain, act());
          const x = variable(randn([2, 7, 6], { dtype, generator: g }), { requiresGrad: true });
          const y = fused.forward(x);
          const z = apart.forward(x);
          expect(y.node?.primitive).toBe('linear');
          expect(allClose(y.value, z.value, tol)).toBe(true);
          const r = randn([2, 7, 5], { dtype, generator: g });
          const ga = grad(sum(mul(y, r)), [x, ...fused.parameters()]);
          const gb = grad(sum(mul(z, r)), [x, ...plain.parameters()]);
          expect(ga).toHaveLength(bias ? 3 : 2);
          ga.forEach((t, i) => {
            expect(allClose(t, gb[i]!, gradTol)).toBe(true);
          });
        }
      });
    }
  }

  it("keeps torch.nn.Linear's state-dict names, so the weights load strictly both ways", () => {
    const fused = new Linear(4, 3, { activation: 'relu' });
    expect(Object.keys(fused.stateDict())).toEqual(['weight', 'bias']);
    expect(fused.activation).toBe('relu');
    expect(new Linear(4, 3).activation).toBe('none');
    const plain = new Linear(4, 3);
    plain.loadStateDict(fused.stateDict());
    fused.loadStateDict(new Linear(4, 3).stateDict());
    const model = new Sequential(new Linear(4, 8, { activation: 'relu' }), new Identity(), new Linear(8, 1));
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });
});

describe('Sequential', () => {
  class LoggingReLU extends ReLU {
    calls = 0;
    override forward(x: Parameters<ReLU['forward']>[0]) {
      this.calls++;
      return super.forward(x);
    }
  }

  it("runs each module's own forward, in order: a Linear and a ReLU stay two ops", () => {
    const act = new LoggingReLU();
    const model = new Sequential(new Linear(3, 2, { generator: new Generator(1) }), act);
    const y = model.forward(randn([4, 3]));
    expect(act.calls).toBe(1);
    expect(y.node?.primitive).toBe('relu');
    const plain = new Sequential(new Linear(3, 2, { generator: new Generator(1) }), new ReLU());
    expect(plain.forward(randn([4, 3])).node?.primitive).toBe('relu');
  });
});
