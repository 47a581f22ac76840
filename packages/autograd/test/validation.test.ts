import { DTypeError, IndexError, tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import {
  add,
  amax,
  amin,
  argmax,
  argmin,
  checkGrad,
  gelu,
  grad,
  linear,
  logsumexp,
  maskedFill,
  max,
  mean,
  min,
  mul,
  noGrad,
  norm,
  Parameter,
  pinv,
  prod,
  relu,
  reshape,
  softplus,
  std,
  sum,
  Variable,
  variable,
  variance,
  where,
} from '../src/index';

const x = () => variable([1, 2, 3], { requiresGrad: true, dtype: 'float64' });

describe('bad arguments give typed errors naming the function and the argument', () => {
  it('the Variable constructor (was a plain TypeError)', () => {
    expectTyped(() => new Variable(null as never), ValueError, /^Variable: value must be a Tensor, got null/);
    expectTyped(() => new Variable([1, 2] as never), ValueError, /Variable: value .* got \[1, 2\]/);
    expectTyped(
      () => new Variable(tensor([1]), null as never),
      ValueError,
      /Variable: options must be an object/,
    );
    expectTyped(
      () => new Variable(tensor([1]), { requiresGrad: 'yes' as never }),
      ValueError,
      /Variable: requiresGrad must be true or false — got "yes"/,
    );
    expectTyped(
      () => new Variable(tensor([1]), { name: 7 as never }),
      ValueError,
      /Variable: name must be a string/,
    );
  });

  it('Parameter and variable()', () => {
    expectTyped(() => new Parameter('w' as never), ValueError, /^Parameter: value must be a Tensor, got "w"/);
    expectTyped(
      () => new Parameter(tensor([1]), 3 as never),
      ValueError,
      /^Parameter: options must be an object/,
    );
    expectTyped(() => variable({} as never), ValueError, /^variable: values must be a Tensor.*got \{\}/);
    expectTyped(
      () => variable([1], { dtype: 'float16' as never }),
      DTypeError,
      /^variable: dtype must be one of/,
    );
    expectTyped(
      () => variable([1], { requiresGrad: 1 as never }),
      ValueError,
      /variable: requiresGrad must be/,
    );
  });

  it('backward', () => {
    const y = mul(x(), 2);
    expectTyped(
      () => y.backward([1, 1, 1] as never),
      ValueError,
      /^backward: grad must be a Tensor, got \[1, 1, 1\]/,
    );
    expectTyped(
      () => y.backward(undefined, 'all' as never),
      ValueError,
      /^backward: options must be an object/,
    );
    expectTyped(
      () => sum(y).backward(undefined, { retainGraph: 'no' as never }),
      ValueError,
      /backward: retainGraph must be true or false — got "no"/,
    );
  });

  it('grad', () => {
    const v = x();
    const y = sum(mul(v, v));
    expectTyped(() => grad(null as never, v), ValueError, /^grad: outputs must be a Variable, got null/);
    expectTyped(() => grad(y, 'v' as never), ValueError, /^grad: inputs must be a Variable, got "v"/);
    expectTyped(
      () => grad(y, [v, tensor([1])] as never),
      ValueError,
      /grad: inputs\[1\] must be a Variable, got a float32 Tensor of shape \[1\]/,
    );
    expectTyped(() => grad(y, [] as never), ValueError, /grad: inputs must hold at least one Variable/);
    expectTyped(
      () => grad(y, v, { gradOutputs: 5 } as never),
      ValueError,
      /grad: gradOutputs must be an array/,
    );
    expectTyped(
      () => grad(y, v, { allowUnused: 'y' } as never),
      ValueError,
      /grad: allowUnused must be true or false/,
    );
  });

  it('checkGrad and noGrad', () => {
    expectTyped(
      () => checkGrad(null as never, [tensor([1])]),
      ValueError,
      /^checkGrad: fn must be a function, got null/,
    );
    expectTyped(
      () => checkGrad((a) => a, null as never),
      ValueError,
      /^checkGrad: inputs must be a non-empty array/,
    );
    expectTyped(
      () => checkGrad((a) => a, [[1, 2]] as never),
      ValueError,
      /checkGrad: inputs\[0\] must be a Tensor/,
    );
    expectTyped(
      () => checkGrad((a) => a, [tensor([1])], { eps: -1 }),
      ValueError,
      /checkGrad: eps must be positive/,
    );
    expectTyped(
      () => checkGrad(() => 3 as never, [tensor([1])]),
      ValueError,
      /checkGrad: fn must return a Variable, got 3/,
    );
    expectTyped(() => noGrad(5 as never), ValueError, /^noGrad: fn must be a function/);
  });

  it('differentiable ops called with junk', () => {
    expectTyped(
      () => add(x(), null as never),
      ValueError,
      /^add: b must be a Variable, a Tensor or a number, got null/,
    );
    expectTyped(
      () => relu('x' as never),
      ValueError,
      /^relu: x must be a Variable, a Tensor or a number, got "x"/,
    );
    expectTyped(() => mul({} as never, 2), ValueError, /^mul: a must be .* got \{\}/);
    expectTyped(
      () => sum(x(), true as never),
      IndexError,
      /^sum: dim must be an integer or an array of integers.*got true/,
    );
    expectTyped(() => mean(x(), 0, null as never), ValueError, /^mean: options must be an object.*got null/);
    expectTyped(
      () => sum(x(), 0, { keepDim: 1 } as never),
      ValueError,
      /^sum: keepDim must be true or false — got 1/,
    );
    expectTyped(() => reshape(x(), 'x' as never), ValueError, /^reshape: shape must be an array of integers/);
    expectTyped(
      () => linear([[1]] as never, x()),
      ValueError,
      /^linear: x must be a Variable or a Tensor, got \[\[1\]\]/,
    );
  });

  it('conditions and masks are bool, as in PyTorch (a float NaN would silently count as false)', () => {
    expectTyped(
      () => where(tensor([1, 0, 1]), x(), 0),
      DTypeError,
      /^where: cond must be a bool Tensor or a boolean, got a float32 Tensor of shape \[3\]/,
    );
    expectTyped(
      () => where(0.5 as never, x(), 0),
      DTypeError,
      /^where: cond must be a bool Tensor or a boolean, got 0.5/,
    );
    expectTyped(
      () => maskedFill(x(), tensor([0, 1, 0]), 7),
      DTypeError,
      /^maskedFill: mask must be a bool Tensor/,
    );
    expect(where(tensor([true, false, true]), x(), 0).toArray()).toEqual([1, 0, 3]);
  });

  it('messages never throw themselves, whatever the value', () => {
    expectTyped(() => add(x(), Symbol('s') as never), ValueError, /add: b .* got Symbol\(s\)/);
    expectTyped(() => add(x(), 10n as never), ValueError, /add: b .* got 10n/);
    expectTyped(() => sum(x(), Symbol('d') as never), IndexError, /sum: dim .* got Symbol\(d\)/);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expectTyped(() => add(x(), revoked.proxy as never), ValueError, /add: b must be/);
  });
});

describe('aliasing: a trainable leaf owns its value (the same rule for every dtype)', () => {
  /** What an optimizer step does: update `value` in place. */
  const step = (p: Variable) => {
    const data = p.value.data as Float32Array | Float64Array;
    for (let i = 0; i < data.length; i++) data[i]! -= 0.5;
  };

  for (const dtype of ['float32', 'float64'] as const) {
    it(`new Parameter(t) copies a ${dtype} t: a step never changes t`, () => {
      const w0 = tensor([1, 2, 3], { dtype });
      const p = new Parameter(w0);
      expect(p.value).not.toBe(w0);
      expect(p.value.dtype).toBe(dtype);
      step(p);
      expect(w0.toArray()).toEqual([1, 2, 3]);
      expect(p.value.toArray()).toEqual([0.5, 1.5, 2.5]);
    });

    it(`variable(t, { requiresGrad: true }) and new Variable(t, { requiresGrad: true }) copy a ${dtype} t`, () => {
      const t = tensor([1, 2], { dtype });
      const a = variable(t, { requiresGrad: true });
      const b = new Variable(t, { requiresGrad: true });
      step(a);
      step(b);
      expect(t.toArray()).toEqual([1, 2]);
    });
  }

  it('a constant (requiresGrad false) wraps its tensor without a copy', () => {
    const t = tensor([1, 2]);
    expect(variable(t).value).toBe(t);
    expect(new Variable(t).value).toBe(t);
  });

  it('op outputs are not copied', () => {
    const y = relu(x());
    expect(y.requiresGrad).toBe(true);
    expect(y.isLeaf).toBe(false);
  });
});

describe('a misspelt or unknown option is a ValueError naming it (it used to be ignored)', () => {
  const t = () => tensor([1, 2, 3], { dtype: 'float64' });
  const m = () =>
    variable(
      [
        [2, 0],
        [0, 4],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
  const scalar = () => sum(mul(x(), x()));
  const cases: [string, () => unknown, RegExp][] = [
    [
      'sum keepdim',
      () => sum(x(), 0, { keepdim: true } as never),
      /^sum: unknown option "keepdim" \(known: keepDim\)/,
    ],
    [
      'mean keepdim',
      () => mean(x(), 0, { keepdim: true } as never),
      /^mean: unknown option "keepdim" \(known: keepDim\)/,
    ],
    ['prod keepdim', () => prod(x(), 0, { keepdim: true } as never), /^prod: unknown option "keepdim"/],
    ['amax keepdims', () => amax(x(), 0, { keepdims: true } as never), /^amax: unknown option "keepdims"/],
    ['amin keepdim', () => amin(x(), 0, { keepdim: true } as never), /^amin: unknown option "keepdim"/],
    ['max keepdim', () => max(x(), 0, { keepdim: true } as never), /^max: unknown option "keepdim"/],
    ['min keepdim', () => min(x(), 0, { keepdim: true } as never), /^min: unknown option "keepdim"/],
    ['argmax keepdim', () => argmax(x(), 0, { keepdim: true } as never), /^argmax: unknown option "keepdim"/],
    ['argmin keepdim', () => argmin(x(), 0, { keepdim: true } as never), /^argmin: unknown option "keepdim"/],
    ['norm keepdim', () => norm(x(), 2, 0, { keepdim: true } as never), /^norm: unknown option "keepdim"/],
    ['logsumexp dim', () => logsumexp(x(), 0, { dim: 0 } as never), /^logsumexp: unknown option "dim"/],
    [
      'sum takes no unbiased',
      () => sum(x(), 0, { unbiased: false } as never),
      /^sum: unknown option "unbiased" \(known: keepDim\)/,
    ],
    [
      'variance unbiassed',
      () => variance(x(), 0, { unbiassed: false } as never),
      /^variance: unknown option "unbiassed" \(known: keepDim, unbiased\)/,
    ],
    [
      'std correction',
      () => std(x(), 0, { correction: 0 } as never),
      /^std: unknown option "correction" \(known: keepDim, unbiased\)/,
    ],
    ['the sum method', () => x().sum(0, { keepdim: true } as never), /^sum: unknown option "keepdim"/],
    [
      'gelu approximat',
      () => gelu(x(), { approximat: 'tanh' } as never),
      /^gelu: unknown option "approximat" \(known: approximate\)/,
    ],
    [
      'softplus Beta',
      () => softplus(x(), { Beta: 2 } as never),
      /^softplus: unknown option "Beta" \(known: beta, threshold\)/,
    ],
    [
      'pinv rcond',
      () => pinv(m(), { rcond: 1e-3 } as never),
      /^pinv: unknown option "rcond" \(known: rtol, atol\)/,
    ],
    [
      'grad retainGraf',
      () => grad(scalar(), x(), { retainGraf: true } as never),
      /^grad: unknown option "retainGraf" \(known: gradOutputs, retainGraph, allowUnused, isGradsBatched\)/,
    ],
    [
      'backward retain_graph',
      () => scalar().backward(undefined, { retain_graph: true } as never),
      /^backward: unknown option "retain_graph" \(known: retainGraph\)/,
    ],
    [
      'checkGrad tol',
      () => checkGrad((v) => sum(v), [t()], { tol: 1e-3 } as never),
      /^checkGrad: unknown option "tol" \(known: eps, rtol, atol, seed\)/,
    ],
    [
      'Variable requiresgrad',
      () => new Variable(t(), { requiresgrad: true } as never),
      /^Variable: unknown option "requiresgrad" \(known: requiresGrad, name\)/,
    ],
    [
      'variable() requires_grad',
      () => variable([1], { requires_grad: true } as never),
      /^variable: unknown option "requires_grad" \(known: requiresGrad, name, dtype\)/,
    ],
    [
      'Parameter takes no requiresGrad',
      () => new Parameter(t(), { requiresGrad: false } as never),
      /^Parameter: unknown option "requiresGrad" \(known: name\)/,
    ],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expectTyped(call, ValueError, message);
  });

  it('options must be a plain object: a Map or a class instance is refused', () => {
    class Options {
      keepDim = true;
    }
    expectTyped(
      () => sum(x(), 0, new Map() as never),
      ValueError,
      /^sum: options must be an object such as \{ keepDim \}/,
    );
    expectTyped(() => sum(x(), 0, new Options()), ValueError, /^sum: options must be an object/);
  });

  it('known options still work, whatever their order, and undefined values are allowed', () => {
    expect(sum(x(), 0, { keepDim: true }).shape).toEqual([1]);
    expect(variance(x(), 0, { unbiased: false, keepDim: undefined }).shape).toEqual([]);
    expect(variable([1], { dtype: 'float64', name: 'w', requiresGrad: true }).name).toBe('w');
    expect(sum(x(), 0, Object.create(null)).shape).toEqual([]);
  });
});
