/**
 * ±Infinity and NaN in parameters and gradients: the WASM kernels and the TypeScript updates give
 * the same values bit for bit (Object.is per element: the same infinities, NaN in the same
 * places) for every optimizer and variant, on sizes below and above the SIMD width and the
 * kernels' chunk, with ragged tails — and both do what PyTorch 1.13 does (checked against values
 * torch computed: `test/fixtures/specials.json`, written by `tools/reference/optim_specials.py`). −0 is
 * among the special values too. Finite elements are compared with the float32 tolerance of the torch
 * fixtures, as the two paths round differently in the last bits (see `setBackend`).
 */
import { readFileSync } from 'node:fs';
import { setBackend, Tensor } from '@mtl/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  Momentum,
  type Optimizer,
  type ParameterLike,
  RMSprop,
  SGD,
} from '../src/index';

/** Elements the kernels stage per call. */
const CHUNK = 8192;
const setOptimBackend = (b: 'wasm' | 'js') => setBackend(b, { kernels: ['optimizerUpdates'] });

afterEach(() => setBackend('wasm'));

type Make = (ps: ParameterLike[]) => Optimizer<{ lr: number }>;

/** Every optimizer and variant: with and without weight decay, maximize, amsgrad, nesterov, centered… */
const optimizers: [string, Make][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1 })],
  ['SGD weightDecay', (ps) => new SGD(ps, { lr: 0.1, weightDecay: 0.01 })],
  ['SGD maximize', (ps) => new SGD(ps, { lr: 0.1, maximize: true })],
  ['Momentum', (ps) => new Momentum(ps, { lr: 0.05 })],
  ['Momentum dampening', (ps) => new Momentum(ps, { lr: 0.05, dampening: 0.1 })],
  ['Momentum maximize', (ps) => new Momentum(ps, { lr: 0.05, maximize: true })],
  [
    'Momentum weightDecay maximize',
    (ps) => new Momentum(ps, { lr: 0.05, weightDecay: 0.01, maximize: true }),
  ],
  ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ['SGD nesterov maximize', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, maximize: true })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01 })],
  ['Adam weightDecay', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 })],
  ['Adam maximize', (ps) => new Adam(ps, { lr: 0.01, maximize: true })],
  ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
  [
    'Adam amsgrad weightDecay maximize',
    (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1, maximize: true }),
  ],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ['AdamW weightDecay 0', (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0 })],
  ['AdamW maximize', (ps) => new AdamW(ps, { lr: 0.01, maximize: true })],
  ['AdamW lr·weightDecay = 1', (ps) => new AdamW(ps, { lr: 0.5, weightDecay: 2 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01 })],
  ['RMSprop weightDecay', (ps) => new RMSprop(ps, { lr: 0.01, weightDecay: 0.01 })],
  ['RMSprop maximize', (ps) => new RMSprop(ps, { lr: 0.01, maximize: true })],
  ['RMSprop centered', (ps) => new RMSprop(ps, { lr: 0.01, centered: true })],
  ['RMSprop momentum', (ps) => new RMSprop(ps, { lr: 0.01, momentum: 0.5 })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1 })],
  ['Adagrad lrDecay', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
  ['Adagrad weightDecay', (ps) => new Adagrad(ps, { lr: 0.1, weightDecay: 0.01 })],
  ['Adagrad maximize', (ps) => new Adagrad(ps, { lr: 0.1, maximize: true })],
];

/** Below and above the SIMD width (4), the two-vector loops (8) and the kernels' chunk, with odd tails. */
const sizes = [1, 3, 4, 7, 9, 16, 37, CHUNK + 5, 2 * CHUNK + 3];

const SPECIAL = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0];

/**
 * Deterministic finite values in (−1, 1), with a special value in the parameter, the gradient or
 * both at positions that move through every SIMD lane and the tails (a cycle of 15, shifted by
 * the step so that later steps meet earlier specials in the state).
 */
function values(n: number, seed: number, which: 'p' | 'g', step: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = Math.sin(1.7 * i + 3.1 * seed + 0.7 * step);
    out[i] = x === 0 ? 0.25 : x;
    const slot = (i + step) % 15;
    // Slots 0–3: the parameter is special; 4–7: the gradient; 8–11: both; 12–14: finite.
    if (which === 'p' && step === 0 && (slot < 4 || (slot >= 8 && slot < 12))) out[i] = SPECIAL[slot % 4]!;
    if (which === 'g' && slot >= 4 && slot < 12) out[i] = SPECIAL[(slot + step) % 4]!;
  }
  return out;
}

function run(
  make: Make,
  n: number,
  backend: 'wasm' | 'js',
): { p: ParameterLike; opt: Optimizer<{ lr: number }> } {
  setOptimBackend(backend);
  const p: ParameterLike = { value: new Tensor(values(n, 1, 'p', 0), [n]), grad: null };
  const opt = make([p]);
  for (let step = 0; step < 3; step++) {
    p.grad = new Tensor(values(n, 2, 'g', step), [n]);
    opt.step();
  }
  return { p, opt };
}

/** The first few elements that differ: Object.is where either is not finite, the float32 tolerance elsewhere. */
function differences(
  label: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  out: string[],
  [nameA, nameB] = ['wasm', 'js'],
): void {
  for (let i = 0; i < a.length && out.length < 5; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const same =
      Number.isFinite(x) && Number.isFinite(y)
        ? Math.abs(x - y) <= 1e-6 + 1e-5 * Math.abs(y)
        : Object.is(x, y);
    if (!same) out.push(`${label}[${i}]: ${nameA} ${x}, ${nameB} ${y}`);
  }
}

const cases = optimizers.flatMap(([name, make]) => sizes.map((n) => [name, n, make] as const));

describe('WASM and TypeScript paths agree on ±Infinity and NaN', () => {
  it.each(cases)('%s, %i elements', (_name, n, make) => {
    const wasm = run(make, n, 'wasm');
    const js = run(make, n, 'js');
    const found: string[] = [];
    differences('param', wasm.p.value.data, js.p.value.data, found);
    const ws = wasm.opt.state.get(wasm.p)!;
    const jsState = js.opt.state.get(js.p)!;
    const keys = [Object.keys(ws).sort().join(), Object.keys(jsState).sort().join()];
    if (keys[0] !== keys[1]) found.push(`state keys: wasm ${keys[0]}, js ${keys[1]}`);
    for (const key of Object.keys(ws)) {
      const a = ws[key]!;
      const b = jsState[key];
      if (b === undefined) continue;
      if (typeof a === 'number' || typeof b === 'number') {
        if (a !== b) found.push(`${key}: wasm ${String(a)}, js ${String(b)}`);
      } else differences(key, a.data, b.data, found);
    }
    expect(found).toEqual([]);
  });
});

/** `test/fixtures/specials.json`: torch's parameters after three float32 steps on the same special values. */
interface TorchSpecials {
  torch: string;
  n: number;
  init: (number | string)[];
  grads: (number | string)[][];
  cases: Record<string, (number | string)[]>;
}

const decode = (xs: (number | string)[]): Float32Array =>
  Float32Array.from(xs, (x) => (x === '-0' ? -0 : typeof x === 'string' ? Number(x) : x));

describe('both paths do what PyTorch 1.13 does with ±Infinity, NaN and −0', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/specials.json', import.meta.url), 'utf8'),
  ) as TorchSpecials;
  const byName = new Map(optimizers);
  it.each(
    Object.keys(fixture.cases).flatMap((name) => (['wasm', 'js'] as const).map((b) => [name, b] as const)),
  )('%s (%s)', (name, backend) => {
    setOptimBackend(backend);
    const make = byName.get(name)!;
    const p: ParameterLike = { value: new Tensor(decode(fixture.init), [fixture.n]), grad: null };
    const opt = make([p]);
    for (const g of fixture.grads) {
      p.grad = new Tensor(decode(g), [fixture.n]);
      opt.step();
    }
    const found: string[] = [];
    differences('param', p.value.data, decode(fixture.cases[name]!), found, [backend, 'torch']);
    expect(found).toEqual([]);
  });
});
