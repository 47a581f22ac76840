/**
 * Issue 14: gradient clipping with non-finite norms as PyTorch 1.13, clear OptimErrors for bad
 * input at every public entry point (before any work, and never a generic TypeError), and
 * optimizer state that keeps NaN and ±Infinity exactly through stateDict/loadStateDict.
 */
import { type Tensor, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  clipGradNorm,
  clipGradValue,
  LambdaLR,
  OneCycleLR,
  OptimError,
  type OptimizerStateDict,
  type ParameterLike,
  ReduceLROnPlateau,
  RMSprop,
  SequentialLR,
  type SerializedTensor,
  SGD,
  StepLR,
} from '../src/index';

const NaN_ = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;
const param = (values: number[], grad: number[] | null = null, dtype: 'float32' | 'float64' = 'float32') => ({
  value: tensor(values, { dtype }),
  grad: grad === null ? null : tensor(grad, { dtype }),
});
const grads = (ps: ParameterLike[]) => ps.map((p) => Array.from(p.grad!.data as ArrayLike<number>));
/** Elementwise Object.is over nested arrays, as one boolean (one assertion per case). */
const same = (a: number[][], b: number[][]) =>
  a.length === b.length &&
  a.every((row, i) => row.length === b[i]!.length && row.every((x, k) => Object.is(x, b[i]![k])));

describe('clipGradNorm with a non-finite norm, as torch.nn.utils.clip_grad_norm_ (1.13)', () => {
  // [gradient of the first parameter, normType, total norm, gradients after] — from torch 1.13
  // with a second parameter whose gradient is [0.5, -0.5] and maxNorm 1.
  it.each([
    [
      [1, NaN_, 2],
      2,
      NaN_,
      [
        [NaN_, NaN_, NaN_],
        [NaN_, NaN_],
      ],
    ],
    [
      [1, NaN_, 2],
      Inf,
      NaN_,
      [
        [NaN_, NaN_, NaN_],
        [NaN_, NaN_],
      ],
    ],
    [
      [1, NaN_, 2],
      1,
      NaN_,
      [
        [NaN_, NaN_, NaN_],
        [NaN_, NaN_],
      ],
    ],
    [
      [1, Inf, -2, -0],
      2,
      Inf,
      [
        [0, NaN_, -0, -0],
        [0, -0],
      ],
    ],
    [
      [1, Inf, -2, -0],
      Inf,
      Inf,
      [
        [0, NaN_, -0, -0],
        [0, -0],
      ],
    ],
    [
      [1, Inf, -2, -0],
      1,
      Inf,
      [
        [0, NaN_, -0, -0],
        [0, -0],
      ],
    ],
    [
      [Inf, -Inf],
      2,
      Inf,
      [
        [NaN_, NaN_],
        [0, -0],
      ],
    ],
  ] as [number[], number, number, number[][]][])('%j, normType %d', (g, normType, total, after) => {
    const ps = [
      param(
        g.map(() => 0),
        g,
      ),
      param([0, 0], [0.5, -0.5]),
    ];
    const norm = clipGradNorm(ps, 1, { normType });
    expect(Object.is(norm, total) && same(grads(ps), after)).toBe(true);
  });

  it('errorIfNonfinite: true throws an OptimError naming the norm, before changing any gradient', () => {
    for (const g of [
      [1, NaN_],
      [Inf, 1],
    ]) {
      const ps = [param([0, 0], g)];
      expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(OptimError);
      expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(
        /clipGradNorm: the total norm of order 2 of the gradients is (NaN|Infinity), so they cannot be clipped .* errorIfNonfinite: false/,
      );
      expect(same(grads(ps), [g])).toBe(true);
    }
    // A finite norm clips as usual.
    const ps = [param([0, 0], [3, 4])];
    expect(clipGradNorm(ps, 1, { errorIfNonfinite: true })).toBe(5);
  });

  it('takes one parameter on its own, as PyTorch takes one tensor', () => {
    const p = param([0, 0], [3, 4], 'float64');
    expect(clipGradNorm(p, 1)).toBe(5);
    expect(grads([p])[0]![0]).toBeCloseTo(0.6, 6);
  });
});

describe('clipGradValue with NaN and ±Infinity, as clip_grad_value_', () => {
  it.each([
    [1, [NaN_, 1, -1, -0, 1]],
    [Inf, [NaN_, Inf, -Inf, -0, 5]],
    [0, [NaN_, 0, -0, -0, 0]],
  ])('clipValue %d', (clipValue, after) => {
    const p = param([0, 0, 0, 0, 0], [NaN_, Inf, -Inf, -0, 5]);
    clipGradValue([p], clipValue);
    expect(same(grads([p]), [after])).toBe(true);
  });
});

describe('bad input at the public boundary throws an OptimError naming the call, the argument and what it got', () => {
  const p = () => param([1, 2], null, 'float64');
  const stepped = () => {
    const q = p();
    const opt = new Adam([q]);
    q.grad = tensor([0.5, -1], { dtype: 'float64' });
    opt.step();
    return opt;
  };
  const sdWith = (mutate: (sd: OptimizerStateDict) => void) => {
    const opt = stepped();
    const sd = opt.stateDict();
    mutate(sd);
    return () => opt.loadStateDict(sd);
  };
  const expAvg = (sd: OptimizerStateDict) => sd.state[0]!.expAvg as SerializedTensor;
  it.each([
    [
      'new Adam(null)',
      () => new Adam(null as never),
      /^Adam: params must be an array of parameters .* got null$/,
    ],
    [
      'new SGD([p], null)',
      () => new SGD([p()], null as never),
      /^SGD: options must be an object such as \{ lr: 0.01 \} — got null \(or leave it out\)$/,
    ],
    ['new SGD([p])', () => new SGD([p()], undefined as never), /SGD: lr is required/],
    [
      'a number as a parameter',
      () => new Adam([1] as never),
      /Adam: params\[0\] is not a \{ value: Tensor, grad \} object \(got 1\)/,
    ],
    [
      'one parameter without an array',
      () => new Adam(p() as never),
      /got a single parameter \(wrap it: \[param\]\)/,
    ],
    ['a tensor as params', () => new Adam(tensor([1]) as never), /Adam: params must be .* got a Tensor/],
    [
      'parameters mixed with groups',
      () => new Adam([p(), { params: [p()] }] as never),
      /mixes parameters and parameter groups/,
    ],
    [
      'a group without an array',
      () => new Adam([{ params: 5 }] as never),
      /Adam: paramGroups\[0\]\.params must be .* got 5/,
    ],
    [
      'options as a string',
      () => new Adam([p()], 'fast' as never),
      /Adam: options must be an object .* got "fast"/,
    ],
    ['options as a Map', () => new Adam([p()], new Map() as never), /got a Map/],
    [
      'lr as a string',
      () => new Adam([p()], { lr: '0.1' } as never),
      'Adam: lr must be a finite number >= 0 — got "0.1"',
    ],
    ['lr NaN', () => new AdamW([p()], { lr: NaN_ }), 'AdamW: lr must be a finite number >= 0 — got NaN'],
    [
      'eps Infinity',
      () => new Adam([p()], { eps: Inf }),
      'Adam: eps must be a finite number >= 0 — got Infinity',
    ],
    [
      'a symbol',
      () => new RMSprop([p()], { alpha: Symbol('a') } as never),
      /RMSprop: alpha must be .* got Symbol\(a\)/,
    ],
    [
      'a bigint in betas',
      () => new Adam([p()], { betas: [1n, 0.9] } as never),
      /Adam: betas\[0\] must be in \[0, 1\) — got 1n/,
    ],
    [
      'betas not a pair',
      () => new Adam([p()], { betas: [Symbol('b')] } as never),
      /betas must be a pair .* got \[Symbol\(b\)\]/,
    ],
    [
      'step(5)',
      () => new Adam([p()]).step(5 as never),
      /Adam.step: takes no argument, or a closure .* got 5/,
    ],
    [
      'zeroGrad(null)',
      () => new Adam([p()]).zeroGrad(null as never),
      /Adam.zeroGrad: options must be an object .* got null/,
    ],
    [
      'addParamGroup(null)',
      () => new Adam([p()]).addParamGroup(null as never),
      /Adam.addParamGroup: a parameter group must be an object .* got null/,
    ],
    [
      'a junk gradient at step',
      () => {
        const q = p();
        const opt = new Adam([q]);
        (q as { grad: unknown }).grad = [1, 2];
        opt.step();
      },
      /Adam.step: a gradient must be null or a float32\/float64 Tensor, got \[1, 2\]/,
    ],
    [
      'loadStateDict(null)',
      () => new Adam([p()]).loadStateDict(null as never),
      /Adam.loadStateDict: expected the object optimizer.stateDict\(\) returns.* got null/,
    ],
    [
      'a NaN parameter index',
      sdWith((sd) => {
        sd.paramGroups[0]!.params[0] = NaN_;
      }),
      /paramGroups\[0\]\.params\[0\] must be a parameter index .* got NaN/,
    ],
    [
      'a state key that is no index',
      sdWith((sd) => {
        (sd.state as Record<string, unknown>)['0x0'] = {};
      }),
      /state has an entry for parameter "0x0"/,
    ],
    [
      'a __proto__ state key',
      sdWith((sd) => {
        Object.defineProperty(sd.state[0]!, '__proto__', { value: { polluted: 1 }, enumerable: true });
      }),
      /state\[0\]\.__proto__ is not state of Adam/,
    ],
    [
      'a __proto__ group key',
      sdWith((sd) => {
        Object.defineProperty(sd.paramGroups[0]!, '__proto__', { value: { polluted: 1 }, enumerable: true });
      }),
      /paramGroups\[0\] has "__proto__"/,
    ],
    [
      'a bad lr in a group',
      sdWith((sd) => {
        sd.paramGroups[0]!.lr = -1;
      }),
      /Adam.loadStateDict: paramGroups\[0\]: Adam: lr must be/,
    ],
    [
      'an entry that is no object',
      sdWith((sd) => {
        (sd.state as Record<number, unknown>)[0] = 7;
      }),
      /state\[0\] must be an object/,
    ],
    [
      'a fractional step',
      sdWith((sd) => {
        sd.state[0]!.step = 1.5;
      }),
      /state\[0\]\.step must be a non-negative integer — got 1.5/,
    ],
    [
      'a state tensor of the wrong size',
      sdWith((sd) => {
        expAvg(sd).shape = [3];
        expAvg(sd).data.push(0);
      }),
      /state\[0\]\.expAvg has shape \[3\], its parameter \[2\]/,
    ],
    [
      'a state tensor of an int dtype',
      sdWith((sd) => {
        expAvg(sd).dtype = 'int32';
      }),
      /expAvg\.dtype must be 'float32' or 'float64', got "int32"/,
    ],
    [
      'data of the wrong length',
      sdWith((sd) => {
        expAvg(sd).data.push(1);
      }),
      /expAvg\.data has 3 values, its shape \[2\] needs 2/,
    ],
    [
      'a string in data',
      sdWith((sd) => {
        (expAvg(sd).data as unknown[])[1] = '1';
      }),
      /expAvg\.data\[1\] must be a number, got "1"/,
    ],
    [
      'data as an Int32Array',
      sdWith((sd) => {
        expAvg(sd).data = new Int32Array(2) as never;
      }),
      /expAvg\.data must be a number\[\], a Float32Array\/Float64Array or a float Tensor, got an Int32Array of length \d+/,
    ],
    [
      'another optimizer’s state',
      () => new SGD([p()], { lr: 0.1, momentum: 0.9 }).loadStateDict(stepped().stateDict()),
      /SGD.loadStateDict: state\[0\]\.step is not state of SGD/,
    ],
    [
      'new StepLR(opt, null)',
      () => new StepLR(new Adam([p()]), null as never),
      /StepLR: options must be an object such as \{ .* \} — got null/,
    ],
    [
      'new StepLR(null, …)',
      () => new StepLR(null as never, { stepSize: 1 }),
      /StepLR: the first argument must be an Optimizer .* got null/,
    ],
    [
      'StepLR.step("x")',
      () => new StepLR(new Adam([p()]), { stepSize: 1 }).step('x' as never),
      /StepLR.step: epoch must be an integer, got "x"/,
    ],
    [
      'ReduceLROnPlateau.step(symbol)',
      () => new ReduceLROnPlateau(new Adam([p()])).step(Symbol('m') as never),
      /ReduceLROnPlateau.step: metric must be .* got Symbol\(m\)/,
    ],
    [
      'a lambda that returns no number',
      () => new LambdaLR(new Adam([p()]), { lrLambda: () => 1n as never }),
      /LambdaLR: lrLambda\(0\) returned 1n; it must return a number/,
    ],
    [
      'OneCycleLR phases of another shape',
      () => {
        const s = new OneCycleLR(new SGD([p()], { lr: 0.1, momentum: 0.9 }), { maxLr: 1, totalSteps: 10 });
        s.loadStateDict({ ...s.stateDict(), phases: [{ endStep: 3, startLr: 'x', endLr: 'maxLr' }] });
      },
      /OneCycleLR: phases must be a list/,
    ],
    [
      'a scheduler state holding a function',
      () => {
        const s = new StepLR(new Adam([p()]), { stepSize: 1 });
        s.loadStateDict({ ...s.stateDict(), gamma: () => 1 });
      },
      /StepLR.loadStateDict: gamma must be plain data .* got a function/,
    ],
    [
      'clipGradNorm(null, 1)',
      () => clipGradNorm(null as never, 1),
      /clipGradNorm: params must be an array of parameters .* got null/,
    ],
    [
      'clipGradNorm with a junk parameter',
      () => clipGradNorm([p(), 3] as never, 1),
      /clipGradNorm: params\[1\] must be a parameter .* got 3/,
    ],
    [
      'clipGradNorm maxNorm NaN',
      () => clipGradNorm([p()], NaN_),
      /clipGradNorm: maxNorm must be a number ≥ 0 .* got NaN/,
    ],
    [
      'clipGradNorm unknown option',
      () => clipGradNorm([p()], 1, { normtype: 2 } as never),
      /clipGradNorm: unknown option "normtype" \(known: normType, errorIfNonfinite\)/,
    ],
    [
      'clipGradNorm errorIfNonfinite "yes"',
      () => clipGradNorm([p()], 1, { errorIfNonfinite: 'yes' } as never),
      /errorIfNonfinite must be true or false — got "yes"/,
    ],
    [
      'clipGradValue a string',
      () => clipGradValue([p()], '1' as never),
      /clipGradValue: clipValue must be a number ≥ 0 .* got "1"/,
    ],
    [
      'clipGradValue an int gradient',
      () => clipGradValue([{ value: tensor([1]), grad: tensor([1], { dtype: 'int32' }) }], 1),
      /clipGradValue: params\[0\]\.grad must be null or a float32\/float64 Tensor, got a int32 Tensor of shape \[1\]/,
    ],
  ] as [string, () => unknown, RegExp | string][])('%s', (_name, call, message) => {
    expect(call).toThrow(OptimError);
    expect(call).toThrow(message);
  });

  it('a bad gradient in a later group stops the step before any parameter moves', () => {
    const [a, b] = [p(), p()];
    const opt = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    a.grad = tensor([1, 1], { dtype: 'float64' });
    b.grad = tensor([1, 1, 1], { dtype: 'float64' });
    expect(() => opt.step()).toThrow(/gradient has shape \[3\] but its parameter \[2\]/);
    expect(Array.from(a.value.data)).toEqual([1, 2]);
  });

  it('a refused state dict leaves the optimizer as it was', () => {
    const opt = stepped();
    const before = JSON.stringify(opt.stateDict());
    const sd = opt.stateDict();
    sd.paramGroups[0]!.lr = 0.5;
    (expAvg(sd).data as unknown[])[0] = null;
    expect(() => opt.loadStateDict(sd)).toThrow(OptimError);
    expect(JSON.stringify(opt.stateDict())).toBe(before);
  });

  it('a refused SequentialLR state dict leaves every scheduler as it was', () => {
    const opt = new SGD([p()], { lr: 0.1 });
    const a = new StepLR(opt, { stepSize: 2 });
    const b = new StepLR(opt, { stepSize: 3 });
    const seq = new SequentialLR(opt, { schedulers: [a, b], milestones: [2] });
    seq.step();
    const before = JSON.stringify(seq.stateDict());
    const sd = seq.stateDict();
    sd.schedulers[0]!.stepSize = 5;
    sd.schedulers[1]!.gamma = -1;
    expect(() => seq.loadStateDict(sd)).toThrow(/gamma must be a finite number > 0 — got -1/);
    expect(JSON.stringify(seq.stateDict())).toBe(before);
  });

  it('step takes a closure, as in PyTorch, and returns its loss', () => {
    const q = p();
    const opt = new SGD([q], { lr: 0.5 });
    const loss = opt.step(() => {
      q.grad = tensor([1, 1], { dtype: 'float64' });
      return 42;
    });
    expect(loss).toBe(42);
    expect(Array.from(q.value.data)).toEqual([0.5, 1.5]);
  });
});

describe('optimizer state keeps NaN and ±Infinity exactly', () => {
  /** Adam state with NaN, +Infinity and −0 in it (a NaN and an infinite gradient element). */
  function nonFinite(dtype: 'float32' | 'float64') {
    const q: ParameterLike = { value: tensor([1, 2, 3, -0], { dtype }), grad: null };
    const opt = new Adam([q], { lr: 0.1 });
    q.grad = tensor([NaN_, Inf, 0.5, -0], { dtype });
    opt.step();
    return { q, opt };
  }
  const stateOf = (sd: OptimizerStateDict) =>
    Object.values(sd.state).flatMap((entry) =>
      Object.values(entry).map((v) => (typeof v === 'number' ? [v] : (v as SerializedTensor).data)),
    );

  it.each(['float32', 'float64'] as const)(
    'stateDict() writes { dtype, shape, data: number[] } with the exact values (%s)',
    (dtype) => {
      const { opt } = nonFinite(dtype);
      const sd = opt.stateDict();
      const m = sd.state[0]!.expAvg as SerializedTensor;
      expect(Object.keys(m)).toEqual(['dtype', 'shape', 'data']);
      expect(m.dtype === dtype && Array.isArray(m.data) && m.shape.join() === '4').toBe(true);
      const want = [NaN_, Inf, dtype === 'float32' ? Math.fround(0.05) : (1 - 0.9) * 0.5, 0];
      expect(same([m.data], [want])).toBe(true);
    },
  );

  it.each([
    ['number[] (as stateDict() wrote it)', (s: SerializedTensor) => s],
    [
      'a Float32Array/Float64Array',
      (s: SerializedTensor) => ({ ...s, data: tensor(s.data, { dtype: s.dtype }).data }),
    ],
    ['a Tensor as data', (s: SerializedTensor) => ({ ...s, data: tensor(s.data, { dtype: s.dtype }) })],
    [
      'a Tensor for the whole entry',
      (s: SerializedTensor) => tensor(s.data, { dtype: s.dtype, shape: s.shape }),
    ],
  ] as [string, (s: SerializedTensor) => unknown][])(
    'loadStateDict restores them exactly from %s',
    (_name, form) => {
      for (const dtype of ['float32', 'float64'] as const) {
        const { opt } = nonFinite(dtype);
        const sd = opt.stateDict();
        const converted = {
          paramGroups: sd.paramGroups,
          state: Object.fromEntries(
            Object.entries(sd.state).map(([i, entry]) => [
              i,
              Object.fromEntries(
                Object.entries(entry).map(([k, v]) => [
                  k,
                  typeof v === 'number' ? v : form(v as SerializedTensor),
                ]),
              ),
            ]),
          ),
        };
        const fresh = new Adam([{ value: tensor([0, 0, 0, 0], { dtype }), grad: null }], { lr: 0.1 });
        fresh.loadStateDict(converted as never);
        const restored = fresh.state.values().next().value!;
        expect((restored.expAvg as Tensor).dtype).toBe(dtype);
        expect(same(stateOf(fresh.stateDict()), stateOf(sd))).toBe(true);
      }
    },
  );

  it('a JSON round trip (NaN/Infinity written as null) is refused with the way out, not restored as 0', () => {
    const { opt } = nonFinite('float32');
    const viaJson = JSON.parse(JSON.stringify(opt.stateDict()));
    expect(() => opt.loadStateDict(viaJson)).toThrow(OptimError);
    expect(() => opt.loadStateDict(viaJson)).toThrow(
      /Adam.loadStateDict: state\[0\]\.expAvg\.data\[0\] is null — NaN\/Inf cannot go through JSON .* save with Trainer.save or saveSafetensors/,
    );
  });

  it('a loaded state tensor is a copy: changing the input afterwards changes nothing', () => {
    const { opt } = nonFinite('float64');
    const sd = opt.stateDict();
    const t = tensor((sd.state[0]!.expAvg as SerializedTensor).data, { dtype: 'float64' });
    const fresh = new Adam([{ value: tensor([0, 0, 0, 0], { dtype: 'float64' }), grad: null }]);
    fresh.loadStateDict({ ...sd, state: { 0: { ...sd.state[0]!, expAvg: t } } });
    t.data[2] = 123;
    expect((fresh.stateDict().state[0]!.expAvg as SerializedTensor).data[2]).not.toBe(123);
  });
});
