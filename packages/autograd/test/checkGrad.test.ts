import { eye, Generator, rand, randn, type Tensor, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import type { Primitive } from '../src/index';
import * as ag from '../src/index';

/*
 * Finite-difference checks of every primitive's rule, in float64. The table is keyed by the
 * primitive set, so adding a primitive without a sample here fails to compile.
 */

const g = new Generator(20261128);
const n = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g });
/** A constant operand (a Tensor, drawn once). */
const target = n([5]);
/** A random 3×3 matrix plus 3·I: safely invertible. */
const wellConditioned = () => n([3, 3]).add(eye(3, 3, { dtype: 'float64' }).mul(3));
/** Values in [lo, hi), for functions defined only there. */
const u = (shape: number[], lo: number, hi: number) =>
  rand(shape, { dtype: 'float64', generator: g })
    .mul(hi - lo)
    .add(lo);
/** Values kept away from 0, where kinks are. */
const away = (shape: number[]) => {
  const t = n(shape);
  return t.add(t.sign().mul(0.2));
};
const int = (values: number[]) => tensor(values, { dtype: 'int32' });

type Sample = {
  name: string;
  fn: (...xs: ag.Variable[]) => ag.Variable;
  inputs: Tensor[];
  options?: ag.CheckGradOptions;
};
const s = (name: string, fn: Sample['fn'], ...inputs: Tensor[]): Sample => ({ name, fn, inputs });

const samples: { [P in Primitive]: Sample[] } = {
  add: [
    s('broadcast [3,4] + [4]', ag.add, n([3, 4]), n([4])),
    s('[2,1,3] + [4,1]', ag.add, n([2, 1, 3]), n([4, 1])),
  ],
  sub: [s('broadcast [3,1] - [1,4]', ag.sub, n([3, 1]), n([1, 4]))],
  mul: [
    s('broadcast [2,3,4] * [3,1]', ag.mul, n([2, 3, 4]), n([3, 1])),
    s('with a scalar', (x) => ag.mul(x, 2.5), n([3])),
  ],
  div: [s('broadcast [3,4] / [4]', ag.div, n([3, 4]), away([4]))],
  pow: [
    s('positive base, tensor exponent', ag.pow, u([3, 4], 0.5, 2), n([4])),
    s('scalar exponent', (x) => ag.pow(x, 3), n([5])),
    s('scalar base', (x) => ag.pow(2, x), n([5])),
  ],
  maximum: [s('no ties', ag.maximum, n([3, 4]), n([4]))],
  minimum: [s('no ties', ag.minimum, n([3, 4]), n([3, 1]))],
  where: [s('broadcast', (a, b) => ag.where(tensor([true, false, true, false]), a!, b!), n([3, 4]), n([1]))],
  neg: [s('[2,3]', ag.neg, n([2, 3]))],
  exp: [s('[2,3]', ag.exp, n([2, 3]))],
  expm1: [s('[2,3]', ag.expm1, n([2, 3]))],
  log: [s('positive', ag.log, u([2, 3], 0.2, 3))],
  log1p: [s('above -1', ag.log1p, u([2, 3], -0.5, 3))],
  sqrt: [s('positive', ag.sqrt, u([2, 3], 0.2, 3))],
  abs: [s('away from 0', ag.abs, away([2, 3]))],
  sign: [s('away from 0', (x) => ag.mul(ag.sign(x), x), away([2, 3]))],
  sin: [s('[2,3]', ag.sin, n([2, 3]))],
  cos: [s('[2,3]', ag.cos, n([2, 3]))],
  tanh: [s('[2,3]', ag.tanh, n([2, 3]))],
  sigmoid: [s('[2,3]', ag.sigmoid, n([2, 3]))],
  erf: [s('[2,3]', ag.erf, n([2, 3]))],
  relu: [s('away from 0', ag.relu, away([2, 3]))],
  leakyRelu: [s('slope 0.2', (x) => ag.leakyRelu(x, 0.2), away([2, 3]))],
  elu: [s('alpha 1.5', (x) => ag.elu(x, 1.5), away([2, 3]))],
  gelu: [
    s('exact', (x) => ag.gelu(x), n([2, 3])),
    s('tanh', (x) => ag.gelu(x, { approximate: 'tanh' }), n([2, 3])),
  ],
  silu: [s('[2,3]', ag.silu, n([2, 3]))],
  softplus: [
    s('beta 2', (x) => ag.softplus(x, { beta: 2 }), n([2, 3])),
    s('above the threshold', (x) => ag.softplus(x, { beta: 1, threshold: 1 }), u([4], 2, 3)),
  ],
  clamp: [
    s(
      'both bounds',
      (x) => ag.clamp(x, -0.5, 0.5),
      tensor([-1.3, -0.2, 0.1, 0.9, 2.1], { dtype: 'float64' }),
    ),
  ],
  // Through float32 the finite differences see rounding, so a wider step and tolerance.
  cast: [
    {
      ...s(
        'float64 → float32 → float64',
        (x) => ag.mul(ag.cast(ag.cast(x, 'float32'), 'float64'), x),
        n([3]),
      ),
      options: { eps: 1e-2, rtol: 1e-4, atol: 1e-5 },
    },
  ],
  sum: [
    s('all', (x) => ag.sum(x), n([2, 3])),
    s('dims [0,2] keepDim', (x) => ag.sum(x, [0, 2], { keepDim: true }), n([2, 3, 4])),
  ],
  prod: [
    s('dim 1', (x) => ag.prod(x, 1), n([3, 4])),
    s('a zero in the lane', (x) => ag.prod(x), tensor([2, 0, -1.5, 3], { dtype: 'float64' })),
  ],
  amax: [s('dim -1', (x) => ag.amax(x, -1), n([3, 4]))],
  amin: [s('dims [0,1]', (x) => ag.amin(x, [0, 1]), n([3, 4, 2]))],
  maxDim: [
    s('max dim 0', (x) => ag.max(x, 0), n([3, 4])),
    s('min dim 1 keepDim', (x) => ag.min(x, 1, { keepDim: true }), n([3, 4])),
  ],
  squaredError: [
    s('mean [3,4]', (a, b) => ag.squaredError(a!, b!), n([3, 4]), n([3, 4])),
    s('sum, target constant', (x) => ag.squaredError(x, target, { reduction: 'sum' }), n([5])),
  ],
  std: [
    s('dim 1 unbiased', (x) => ag.std(x, 1), n([3, 4])),
    s('all, biased', (x) => ag.std(x, undefined, { unbiased: false }), n([5])),
  ],
  norm: [
    s('p=2 dim 1', (x) => ag.norm(x, 2, 1), n([3, 4])),
    s('p=3 all', (x) => ag.norm(x, 3), away([5])),
    s('p=1', (x) => ag.norm(x, 1), away([5])),
    s('p=inf', (x) => ag.norm(x, 'inf', 0), n([4, 3])),
  ],
  // Every activation, with and without a bias, on 2-d, batched (3-d) and 1-d x; relu also
  // through its shorthand and with one output (its kink is at a random place: not hit).
  linear: [
    ...(['none', 'relu', 'gelu', 'silu', 'tanh', 'sigmoid'] as const).flatMap((activation) => [
      s(
        `${activation}: 2-d with bias`,
        (x, w, b) => ag.linear(x!, w!, b, { activation }),
        n([5, 4]),
        n([3, 4]),
        n([3]),
      ),
      s(
        `${activation}: 2-d without bias`,
        (x, w) => ag.linear(x!, w!, null, { activation }),
        n([5, 4]),
        n([3, 4]),
      ),
      s(
        `${activation}: 3-d input`,
        (x, w, b) => ag.linear(x!, w!, b, { activation }),
        n([2, 3, 4]),
        n([2, 4]),
        n([2]),
      ),
      s(
        `${activation}: 3-d input without bias`,
        (x, w) => ag.linear(x!, w!, undefined, { activation }),
        n([2, 3, 4]),
        n([2, 4]),
      ),
      s(
        `${activation}: 1-d input`,
        (x, w, b) => ag.linear(x!, w!, b, { activation }),
        n([4]),
        n([3, 4]),
        n([3]),
      ),
    ]),
    s('linearRelu, the shorthand', (x, w, b) => ag.linearRelu(x!, w!, b), n([5, 4]), n([3, 4]), n([3])),
    s(
      'relu, one output',
      (x, w, b) => ag.linear(x!, w!, b, { activation: 'relu' }),
      n([6, 4]),
      n([1, 4]),
      n([1]),
    ),
  ],
  matmul: [
    s('2-d', ag.matmul, n([3, 4]), n([4, 2])),
    s('batched broadcast', ag.matmul, n([2, 1, 3, 4]), n([5, 4, 2])),
    s('1-d · 2-d', ag.matmul, n([4]), n([4, 3])),
    s('3-d · 1-d', ag.matmul, n([2, 3, 4]), n([4])),
    s('1-d · 1-d', ag.matmul, n([4]), n([4])),
  ],
  stackedLinear: [
    s(
      'three weights with biases, 3-d x',
      (x, w1, w2, w3, b1, b2, b3) => ag.stackedLinear(x!, [w1!, w2!, w3!], [b1!, b2!, b3!]),
      n([2, 3, 4]),
      n([1, 4]),
      n([2, 4]),
      n([1, 4]),
      n([1]),
      n([2]),
      n([1]),
    ),
    s(
      'two weights, no bias',
      (x, w1, w2) => ag.stackedLinear(x!, [w1!, w2!]),
      n([5, 4]),
      n([3, 4]),
      n([2, 4]),
    ),
  ],
  solve: [
    s('matrix rhs', ag.solve, wellConditioned(), n([3, 2])),
    s('vector rhs', ag.solve, wellConditioned(), n([3])),
  ],
  inv: [s('3×3', ag.inv, wellConditioned())],
  eigvalsh: [s('symmetric 4×4', (a) => ag.eigh(ag.add(a, ag.transpose(a, 0, 1))).eigenvalues, n([4, 4]))],
  eigvecsh: [s('symmetric 4×4', (a) => ag.eigh(ag.add(a, ag.transpose(a, 0, 1))).eigenvectors, n([4, 4]))],
  pinv: [s('wide 3×5', (a) => ag.pinv(a), n([3, 5])), s('tall 5×3', (a) => ag.pinv(a), n([5, 3]))],
  reshape: [s('[2,6] → [3,-1]', (x) => ag.reshape(x, [3, -1]), n([2, 6]))],
  permute: [s('[2,3,4] by [2,0,1]', (x) => ag.permute(x, [2, 0, 1]), n([2, 3, 4]))],
  expand: [s('[3,1] → [2,3,4]', (x) => ag.expand(x, [2, 3, 4]), n([3, 1]))],
  concat: [s('dim 1', (a, b) => ag.concat([a!, b!, a!], 1), n([2, 3]), n([2, 1]))],
  slice: [
    s('step 2', (x) => ag.slice(x, 1, 1, 6, 2), n([2, 7])),
    s('negative start', (x) => ag.slice(x, 0, -2), n([4, 3])),
  ],
  gather: [s('repeated indices', (x) => ag.gather(x, 1, int([0, 0, 2, 1, 1, 1]).reshape([2, 3])), n([2, 3]))],
  indexSelect: [s('repeated indices', (x) => ag.indexSelect(x, 0, int([2, 0, 2])), n([3, 4]))],
  conv: [
    s(
      'conv2d stride 2, padding 1, bias',
      (x, w, b) => ag.conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
      n([2, 3, 5, 6]),
      n([4, 3, 3, 2]),
      n([4]),
    ),
    s(
      'conv2d groups 2, dilation 2, same',
      (x, w) => ag.conv2d(x!, w!, null, { groups: 2, dilation: 2, padding: 'same' }),
      n([1, 4, 6, 5]),
      n([2, 2, 2, 3]),
    ),
    s(
      'conv2d depthwise, unbatched',
      (x, w, b) => ag.conv2d(x!, w!, b!, { groups: 3, padding: [1, 0] }),
      n([3, 4, 4]),
      n([3, 1, 3, 3]),
      n([3]),
    ),
    s(
      'conv1d stride 2, padding 2',
      (x, w, b) => ag.conv1d(x!, w!, b!, { stride: 2, padding: 2 }),
      n([2, 3, 9]),
      n([5, 3, 4]),
      n([5]),
    ),
  ],
  maxPool: [
    s('maxPool2d 2×2', (x) => ag.maxPool2d(x, { kernelSize: 2 }), n([2, 3, 4, 6])),
    s(
      'maxPool2d stride 1, padding 1, dilation 2, ceil',
      (x) => ag.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }),
      n([1, 2, 7, 8]),
    ),
    s('maxPool1d', (x) => ag.maxPool1d(x, { kernelSize: 3, stride: 2, padding: 1 }), n([2, 3, 9])),
  ],
  avgPool: [
    s(
      'avgPool2d padding, countIncludePad false, ceil',
      (x) =>
        ag.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
      n([2, 2, 6, 7]),
    ),
    s(
      'avgPool2d divisorOverride',
      (x) => ag.avgPool2d(x, { kernelSize: [2, 3], divisorOverride: 5 }),
      n([1, 2, 4, 6]),
    ),
    s('avgPool1d', (x) => ag.avgPool1d(x, { kernelSize: 2, padding: 1 }), n([2, 2, 7])),
  ],
  adaptiveAvgPool: [
    s('2d to [3, 2] (overlapping windows)', (x) => ag.adaptiveAvgPool2d(x, [3, 2]), n([2, 2, 5, 7])),
    s('2d up-sampling 3 → 5', (x) => ag.adaptiveAvgPool2d(x, 5), n([1, 2, 3, 3])),
    s('1d 7 → 3', (x) => ag.adaptiveAvgPool1d(x, 3), n([2, 3, 7])),
  ],
  interpolate: [
    s(
      'bilinear, scale 1.5',
      (x) => ag.interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' }),
      n([1, 2, 4, 3]),
    ),
    s(
      'bilinear alignCorners, down',
      (x) => ag.interpolate(x, { size: [3, 2], mode: 'bilinear', alignCorners: true }),
      n([2, 1, 5, 4]),
    ),
    s('linear', (x) => ag.interpolate(x, { size: 7, mode: 'linear' }), n([2, 2, 4])),
    s('nearest', (x) => ag.interpolate(x, { size: [5, 3] }), n([1, 2, 3, 4])),
  ],
};

describe('checkGrad over every primitive (float64 central differences)', () => {
  for (const [primitive, cases] of Object.entries(samples)) {
    for (const sample of cases) {
      it(`${primitive}: ${sample.name}`, () => {
        const result = ag.checkGrad(sample.fn, sample.inputs, sample.options ?? { rtol: 1e-6, atol: 1e-8 });
        expect(result.ok, result.message).toBe(true);
      });
    }
  }

  it('covers every primitive in the rule table', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(ag.rules).sort());
  });

  it('catches a wrong rule', () => {
    // exp's rule applied to a function that is not exp: the check must fail and say where.
    const wrong = ag.checkGrad((x) => ag.mul(ag.exp(x), ag.exp(x).detach()), [n([3])]);
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/worst at input 0, element \d/);
  });
});
