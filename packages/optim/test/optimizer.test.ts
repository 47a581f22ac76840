import { mul, Parameter, sum } from '@mtl/autograd';
import { type Tensor, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  Momentum,
  OptimError,
  type Optimizer,
  type ParameterLike,
  RMSprop,
  SGD,
} from '../src/index';

/** A plain parameter: how the package is used without autograd. */
const param = (values: number[], dtype: 'float32' | 'float64' = 'float64'): ParameterLike => ({
  value: tensor(values, { dtype }),
  grad: null,
});
const grad = (values: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor =>
  tensor(values, { dtype });
const values = (p: ParameterLike) => Array.from(p.value.data);

/** Runs `steps` steps feeding a gradient that depends on the step number. */
function run(optimizer: Optimizer<{ lr: number }>, params: ParameterLike[], steps: number, from = 0): void {
  for (let t = from; t < from + steps; t++) {
    params.forEach((p, i) => {
      p.grad = tensor(
        Array.from(p.value.data, (v, k) => Math.sin(t + k + i) + 0.1 * v),
        { dtype: p.value.dtype },
      );
    });
    optimizer.step();
  }
}

const factories: [string, (ps: ParameterLike[]) => Optimizer<{ lr: number }>][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ['Momentum', (ps) => new Momentum(ps, { lr: 0.1 })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01 })],
];

describe.each(factories)('%s', (_name, make) => {
  it('a stateDict round trip mid-run continues the exact trajectory (through JSON)', () => {
    const a = [param([1, -2, 3]), param([0.5, 0.25])];
    const b = [param([1, -2, 3]), param([0.5, 0.25])];
    const first = make(a);
    run(first, a, 7);
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    b.forEach((p, i) => {
      p.value = a[i]!.value.clone();
    });
    const second = make(b);
    second.loadStateDict(saved);
    run(first, a, 8, 7);
    run(second, b, 8, 7);
    a.forEach((p, i) => {
      expect(values(b[i]!)).toEqual(values(p));
    });
  });

  it('param groups behave like separate optimizers', () => {
    const together = [param([1, 2]), param([3])];
    const apart = [param([1, 2]), param([3])];
    const joint = make(together);
    joint.paramGroups.length = 0;
    joint.addParamGroup({ params: [together[0]!] });
    joint.addParamGroup({ params: [together[1]!], lr: 0.05 });
    const one = make([apart[0]!]);
    const two = make([apart[1]!]);
    two.paramGroups[0]!.lr = 0.05;
    for (let t = 0; t < 5; t++) {
      for (const [ps, opts] of [
        [together, [joint]],
        [apart, [one, two]],
      ] as const) {
        ps.forEach((p, i) => {
          p.grad = grad(Array.from(p.value.data, (v) => v * (t + 1) + i));
        });
        for (const o of opts) o.step();
      }
    }
    expect(values(together[0]!)).toEqual(values(apart[0]!));
    expect(values(together[1]!)).toEqual(values(apart[1]!));
  });

  it('skips parameters without a gradient and creates no state for them', () => {
    const [a, b] = [param([1]), param([2])];
    const o = make([a!, b!]);
    a!.grad = grad([0.5]);
    o.step();
    expect(values(b!)).toEqual([2]);
    expect(o.state.has(b!)).toBe(false);
    expect(o.state.has(a!)).toBe(true);
  });

  it('updates float32 parameters in place, in float32 (param.value is never replaced)', () => {
    const p = param([1, 2, 3], 'float32');
    const o = make([p]);
    p.grad = grad([0.1, -0.2, 0.3], 'float32');
    o.step();
    const { value } = p;
    const data = value.data;
    expect(values(p)).not.toEqual([1, 2, 3]);
    const after1 = values(p);
    o.step();
    expect(p.value).toBe(value);
    expect(p.value.data).toBe(data);
    expect(p.value.data).toBeInstanceOf(Float32Array);
    expect(values(p)).not.toEqual(after1);
  });
});

describe('behaviour', () => {
  it('a zero gradient leaves SGD parameters unchanged, momentum and all', () => {
    const p = param([1, -1]);
    const o = new SGD([p], { lr: 0.5, momentum: 0.9 });
    for (let i = 0; i < 3; i++) {
      p.grad = grad([0, 0]);
      o.step();
    }
    expect(values(p)).toEqual([1, -1]);
  });

  it('reads group.lr at every step, so changing it mid-run takes effect', () => {
    const p = param([1]);
    const o = new SGD([p], { lr: 0.1 });
    p.grad = grad([1]);
    o.step();
    o.paramGroups[0]!.lr = 0.5;
    o.step();
    expect(values(p)[0]).toBeCloseTo(1 - 0.1 - 0.5, 15);
  });

  it('keys state by the parameter object, so adding a group later keeps existing state', () => {
    const a = param([1]);
    const o = new Adam([a], { lr: 0.1 });
    a.grad = grad([1]);
    o.step();
    const state = o.state.get(a);
    o.addParamGroup({ params: [param([5])] });
    expect(o.state.get(a)).toBe(state);
    expect(state!.step).toBe(1);
  });

  it('zeroGrad sets gradients to null, or to zeros when asked', () => {
    const p = param([1, 2]);
    const o = new SGD([p], { lr: 0.1 });
    p.grad = grad([3, 4]);
    o.zeroGrad({ setToNull: false });
    expect(Array.from(p.grad!.data)).toEqual([0, 0]);
    o.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('trains @mtl/autograd Parameters directly', () => {
    const w = new Parameter(tensor([3, -2], { dtype: 'float64' }));
    const o = new Adam([w], { lr: 0.1 });
    for (let i = 0; i < 200; i++) {
      o.zeroGrad();
      sum(mul(w, w)).backward();
      o.step();
    }
    expect(Math.max(...Array.from(w.value.data, Math.abs))).toBeLessThan(0.05);
  });
});

describe('validation', () => {
  const p = () => [param([1])];
  it.each([
    ['negative lr', () => new SGD(p(), { lr: -0.1 }), /SGD: lr must be .* got -0.1/],
    ['missing lr', () => new SGD(p(), {} as { lr: number }), /SGD: lr is required/],
    [
      'betas[0] ≥ 1',
      () => new Adam(p(), { betas: [1.2, 0.999] }),
      'Adam: betas[0] must be in [0, 1) — got 1.2',
    ],
    [
      'betas[1] < 0',
      () => new AdamW(p(), { betas: [0.9, -0.1] }),
      'AdamW: betas[1] must be in [0, 1) — got -0.1',
    ],
    ['negative eps', () => new Adam(p(), { eps: -1e-8 }), /Adam: eps must be .* got -1e-8/],
    [
      'negative weightDecay',
      () => new RMSprop(p(), { weightDecay: -1 }),
      /RMSprop: weightDecay must be .* got -1/,
    ],
    [
      'nesterov without momentum',
      () => new SGD(p(), { lr: 0.1, nesterov: true }),
      /nesterov needs momentum > 0/,
    ],
    [
      'nesterov with dampening',
      () => new SGD(p(), { lr: 0.1, momentum: 0.9, nesterov: true, dampening: 0.1 }),
      /dampening = 0/,
    ],
    [
      'unknown option',
      () => new Adam(p(), { learningRate: 0.1 } as never),
      /Adam: unknown option "learningRate"/,
    ],
    [
      'unknown option in a group',
      () => new Adagrad([{ params: p(), decay: 1 } as never]),
      /unknown option "decay" in paramGroups\[0\]/,
    ],
    ['empty parameter list', () => new Adam([]), /empty parameter list/],
    [
      'a parameter twice',
      () => {
        const q = param([1]);
        return new Adam([q, q]);
      },
      /more than one parameter group/,
    ],
    [
      'an int parameter',
      () => new Adam([{ value: tensor([1], { dtype: 'int32' }), grad: null }]),
      /dtype int32/,
    ],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(OptimError);
    expect(make).toThrow(message);
  });

  it('a bad lr written into a group is caught at the next step', () => {
    const q = param([1]);
    const o = new SGD([q], { lr: 0.1 });
    o.paramGroups[0]!.lr = Number.NaN;
    q.grad = grad([1]);
    expect(() => o.step()).toThrow(/lr must be/);
  });

  it('a gradient of the wrong shape names both shapes', () => {
    const q = param([1, 2]);
    const o = new SGD([q], { lr: 0.1 });
    q.grad = grad([1, 2, 3]);
    expect(() => o.step()).toThrow(/gradient has shape \[3\] but its parameter \[2\]/);
  });

  it('loadStateDict checks group count and sizes', () => {
    const o = new Adam([param([1]), param([2])]);
    const sd = o.stateDict();
    const other = new Adam([param([1])]);
    expect(() => other.loadStateDict(sd)).toThrow(/group 0 has 2 parameters in the state dict, 1 here/);
    const twoGroups = new Adam([{ params: [param([1])] }, { params: [param([1])] }]);
    expect(() => twoGroups.loadStateDict(sd)).toThrow(/1 parameter groups, this optimizer 2/);
  });
});
