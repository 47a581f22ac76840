import { ones, randn, tensor, zeros } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  add,
  exp,
  grad,
  isGradEnabled,
  matmul,
  mean,
  mul,
  noGrad,
  Parameter,
  relu,
  sin,
  sum,
  type Variable,
  variable,
} from '../src/index';

const x64 = (values: number[]) => variable(values, { requiresGrad: true, dtype: 'float64' });

describe('backward()', () => {
  it('seeds a scalar with 1 and fills .grad of the leaves', () => {
    const x = x64([1, 2, 3]);
    const y = sum(mul(x, x));
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
    expect(y.grad).toBeNull(); // non-leaves keep no .grad, as in PyTorch
  });

  it('accumulates into .grad across calls, and zeroGrad clears it', () => {
    const x = x64([1, 2]);
    sum(mul(x, 3)).backward();
    sum(mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('needs an explicit gradient for a non-scalar output', () => {
    const x = x64([1, 2]);
    const y = mul(x, 2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/shape \[2\].*needs a scalar/);
    y.backward(tensor([1, 10], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  it('rejects a seed gradient of the wrong shape', () => {
    const y = mul(x64([1, 2]), 2);
    expect(() => y.backward(ones([3], { dtype: 'float64' }))).toThrow(/\[3\].*\[2\]/);
  });

  it('frees the graph: a second pass is a clear error, unless retainGraph', () => {
    const x = x64([1, 2]);
    const y = sum(exp(x));
    y.backward();
    expect(() => y.backward()).toThrow(/second time.*retainGraph/);

    const z = sum(exp(x));
    x.zeroGrad();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(x.grad!.toArray()).toEqual([2 * Math.exp(1), 2 * Math.exp(2)]);
  });

  it('adds the contributions of a variable used several times', () => {
    const x = x64([3]);
    const y = sum(add(mul(x, x), mul(x, add(x, x)))); // x² + 2x² = 3x²
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(18, 12);
  });

  it('handles a diamond: two paths from one variable meeting again', () => {
    const x = x64([0.5]);
    const a = sin(x);
    const b = mul(a, 2);
    const c = mul(a, a);
    sum(add(b, c)).backward(); // d/dx (2 sin x + sin² x) = 2cos x + 2 sin x cos x
    const expected = 2 * Math.cos(0.5) + 2 * Math.sin(0.5) * Math.cos(0.5);
    expect(x.grad!.item()).toBeCloseTo(expected, 14);
  });

  it('walks a 10,000-op chain without a stack overflow', () => {
    const x = x64([1]);
    let y: Variable = x;
    for (let i = 0; i < 10_000; i++) y = add(y, 1e-4);
    sum(mul(y, y)).backward();
    expect(x.grad!.item()).toBeCloseTo(2 * (1 + 10_000 * 1e-4), 10);
  });

  it('refuses backward on a variable that does not require grad', () => {
    const y = sum(mul(variable([1, 2]), 2));
    expect(() => y.backward()).toThrow(/does not require grad/);
  });
});

describe('grad()', () => {
  it('returns gradients without touching .grad', () => {
    const w = x64([1, 2]);
    const [g] = grad(sum(mul(w, w)), [w]);
    expect(g!.toArray()).toEqual([2, 4]);
    expect(w.grad).toBeNull();
  });

  it('gives per-output gradients from a shared graph with retainGraph (the MTL pattern)', () => {
    const shared = x64([1, -1]);
    const h = mul(shared, 3);
    const lossA = sum(mul(h, h));
    const lossB = sum(h);
    const [ga] = grad(lossA, [shared], { retainGraph: true });
    const [gb] = grad(lossB, [shared]);
    expect(ga!.toArray()).toEqual([18, -18]);
    expect(gb!.toArray()).toEqual([3, 3]);
    expect(() => grad(lossA, [shared])).toThrow(/second time/);
  });

  it('works for non-leaf inputs', () => {
    const x = x64([2]);
    const h = mul(x, x);
    const [gh] = grad(sum(mul(h, 3)), [h]);
    expect(gh!.item()).toBe(3);
  });

  it('names an unused input, or returns zeros with allowUnused', () => {
    const a = x64([1]);
    const b = variable([5], { requiresGrad: true, name: 'b', dtype: 'float64' });
    const y = sum(mul(a, 2));
    expect(() => grad(y, [a, b], { retainGraph: true })).toThrow(
      /inputs\[1\] \(b\) was not used.*allowUnused/,
    );
    const [ga, gb] = grad(y, [a, b], { allowUnused: true });
    expect(ga!.toArray()).toEqual([2]);
    expect(gb!.toArray()).toEqual([0]);
  });

  it('uses gradOutputs as the seeds', () => {
    const x = x64([1, 2]);
    const [g] = grad(mul(x, x), [x], { gradOutputs: [tensor([1, 0.5], { dtype: 'float64' })] });
    expect(g!.toArray()).toEqual([2, 2]);
  });

  it('refuses inputs that do not require grad', () => {
    const x = variable([1]);
    expect(() => grad(sum(mul(x64([1]), x)), [x])).toThrow(/inputs\[0\] does not require grad/);
  });
});

describe('noGrad, detach, requiresGrad', () => {
  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const x = x64([1]);
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('detach cuts the graph but shares the value', () => {
    const x = x64([3]);
    const d = mul(x, x).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    const y = sum(mul(mul(x, x), d)); // d is a constant 9: dy/dx = 2x·9
    y.backward();
    expect(x.grad!.item()).toBe(54);
  });

  it('only leaves may change requiresGrad', () => {
    const x = x64([1]);
    expect(() => {
      mul(x, 2).requiresGrad = false;
    }).toThrow(/only leaf variables/);
    const p = new Parameter(zeros([2]));
    expect(p.requiresGrad).toBe(true);
  });

  it('promoted ops give each input a gradient in its own dtype', () => {
    const a = variable([1, 2], { requiresGrad: true }); // float32
    const b = x64([3, 4]);
    sum(mul(a, b)).backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(a.grad!.toArray()).toEqual([3, 4]);
  });
});

describe('memory', () => {
  it('a long training loop does not grow the heap (the graph is freed after each backward)', () => {
    const w1 = new Parameter(randn([16, 32]).mul(0.1));
    const w2 = new Parameter(randn([32, 1]).mul(0.1));
    const x = randn([64, 16]);
    const target = randn([64, 1]);
    const step = () => {
      const h = relu(matmul(x, w1));
      const diff = add(matmul(h, w2), target.neg());
      const loss = mean(mul(diff, diff));
      loss.backward();
      for (const p of [w1, w2]) {
        p.value = p.value.sub(p.grad!.mul(0.01));
        p.zeroGrad();
      }
      return loss;
    };
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'run with --expose-gc (vitest.shared.ts sets it)').toBeTypeOf('function');
    const heap = () => {
      gc!();
      return process.memoryUsage().heapUsed;
    };
    for (let i = 0; i < 200; i++) step(); // warm up
    const before = heap();
    let last = step();
    for (let i = 0; i < 2000; i++) last = step();
    const grown = heap() - before;
    // The graph of one step is ~100 KB; keeping 2,000 of them would be ~200 MB.
    expect(grown).toBeLessThan(20 * 1024 * 1024);
    expect(last.node!.released).toBe(true);
  }, 120_000);
});

describe('gradient accumulation in place', () => {
  it('does not add into a sum that a rule passed on (a target used several times)', () => {
    const a = x64([1, 2]);
    const b = x64([3, 4]);
    const y = add(a, b);
    // y gets 2 + 3 (a sum the engine owns), passes it to a and b through add's rule; a also gets 5.
    const out = sum(add(add(mul(y, 2), mul(y, 3)), mul(a, 5)));
    const [gy, ga, gb] = grad(out, [y, a, b]);
    expect(gy!.toArray()).toEqual([5, 5]);
    expect(ga!.toArray()).toEqual([10, 10]);
    expect(gb!.toArray()).toEqual([5, 5]);
  });

  it("does not add into a target's gradient that its rule passes on twice (add(x, x))", () => {
    const x = x64([1, 2]);
    const h = add(x, x);
    // h is used twice, so its gradient is a sum the engine made; add's rule hands it to x twice.
    const [gh, gx] = grad(sum(add(h, h)), [h, x]);
    expect(gh!.toArray()).toEqual([2, 2]);
    expect(gx!.toArray()).toEqual([4, 4]);
  });

  it('sums many contributions to one variable and leaves the seeds untouched', () => {
    const x = x64([1, 2, 3]);
    const seed = tensor([1, 1, 1], { dtype: 'float64' });
    const y = mul(x, 1);
    const z = add(add(add(y, y), y), y);
    const [gx] = grad(z, [x], { gradOutputs: [seed] });
    expect(gx!.toArray()).toEqual([4, 4, 4]);
    expect(seed.toArray()).toEqual([1, 1, 1]);
  });
});
