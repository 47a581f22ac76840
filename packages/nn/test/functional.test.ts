/**
 * layerNorm and batchNorm against PyTorch 1.13 (fixtures from `tools/reference/nn.py`): forward
 * values, the gradients of sum(out·R) with respect to x, weight and bias, and batchNorm's running
 * statistics after each call (float64 to 1e-10, float32 to 1e-5); then dropout's statistics and
 * determinism, and the error cases.
 */
import { readFileSync } from 'node:fs';
import { grad, mul, sum, type Variable, variable } from '@mtl/autograd';
import { Generator, ShapeError, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { expectAllClose } from '@mtl/tensor/testing';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import { batchNorm } from '../src/functional/batchNorm';
import { dropout } from '../src/functional/dropout';
import { layerNorm } from '../src/functional/layerNorm';

// --- fixture codec (the format is documented in tools/reference/nn.py) ---

interface FixtureTensor {
  dtype: 'float32' | 'float64' | 'int32';
  shape: number[];
  data: (number | string)[];
}

/** One call: positional args, options, what is differentiable, and what PyTorch returned. */
interface Call {
  args: unknown[];
  options?: Record<string, unknown>;
  grad: boolean[];
  gradOptions?: string[];
  R: FixtureTensor;
  out: FixtureTensor;
  grads: (FixtureTensor | null)[];
  optionGrads?: Record<string, FixtureTensor>;
  runningMean?: FixtureTensor | null;
  runningVar?: FixtureTensor | null;
}

interface LayerNormCase extends Call {
  name: string;
  op: 'layerNorm';
}

interface BatchNormCase {
  name: string;
  op: 'batchNorm';
  runningMean: FixtureTensor | null;
  runningVar: FixtureTensor | null;
  calls: Call[];
}

const NON_FINITE: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity };

function decodeTensor(t: FixtureTensor): Tensor {
  const values = t.data.map((v) => (typeof v === 'string' ? NON_FINITE[v]! : v));
  return tensor(values, { dtype: t.dtype, shape: t.shape });
}

function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'data' in v;
}

function expectClose(got: Tensor, want: FixtureTensor, label: string): void {
  const tol = want.dtype === 'float64' ? 1e-10 : 1e-5;
  try {
    expectAllClose(got, decodeTensor(want), { rtol: tol, atol: tol, equalNan: true, checkDType: true });
  } catch (e) {
    throw new Error(`${label}: ${(e as Error).message}`);
  }
}

/**
 * Runs one call — `fn(...args, options)` with differentiable tensors as Variables — and checks
 * the result and every gradient against the fixture.
 */
function replay(call: Call, fn: (args: unknown[], options: Record<string, unknown>) => Variable): void {
  const inputs: Variable[] = [];
  const asInput = (t: FixtureTensor) => {
    const v = variable(decodeTensor(t), { requiresGrad: true });
    inputs.push(v);
    return v;
  };
  const args = call.args.map((a, i) =>
    call.grad[i] ? asInput(a as FixtureTensor) : isFixtureTensor(a) ? decodeTensor(a) : a,
  );
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(call.options ?? {})) {
    options[k] = isFixtureTensor(v) ? (call.gradOptions?.includes(k) ? asInput(v) : decodeTensor(v)) : v;
  }
  const out = fn(args, options);
  expectClose(out.value, call.out, 'out');
  const grads = grad([sum(mul(out, decodeTensor(call.R)))], inputs);
  const expected = [
    ...call.grads.map((g, i) => [g, `grads[${i}]`] as const).filter(([g]) => g !== null),
    ...(call.gradOptions ?? []).map((k) => [call.optionGrads![k]!, `optionGrads.${k}`] as const),
  ];
  expect(grads.length).toBe(expected.length);
  expected.forEach(([g, label], k) => {
    expectClose(grads[k]!, g!, label);
  });
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/functional.json', import.meta.url), 'utf8')) as {
  cases: (LayerNormCase | BatchNormCase)[];
};
const layerNormCases = fixture.cases.filter((c): c is LayerNormCase => c.op === 'layerNorm');
const batchNormCases = fixture.cases.filter((c): c is BatchNormCase => c.op === 'batchNorm');

describe('layerNorm against PyTorch', () => {
  it.each(layerNormCases.map((c): [string, LayerNormCase] => [c.name, c]))('%s', (_name, c) => {
    replay(c, ([x, shape], options) => layerNorm(x as Variable, shape as number[], options));
  });
});

describe('batchNorm against PyTorch', () => {
  it('has train, eval and running-statistics cases', () => {
    expect(batchNormCases.length).toBeGreaterThan(0);
    expect(batchNormCases.some((c) => c.calls.length > 2)).toBe(true);
  });

  it.each(batchNormCases.map((c): [string, BatchNormCase] => [c.name, c]))('%s', (_name, c) => {
    const runningMean = c.runningMean && decodeTensor(c.runningMean);
    const runningVar = c.runningVar && decodeTensor(c.runningVar);
    c.calls.forEach((call, i) => {
      try {
        replay(call, ([x], options) => batchNorm(x as Variable, runningMean, runningVar, options));
        // The buffers are updated in place, in their own dtype.
        if (call.runningMean) expectClose(runningMean!, call.runningMean, 'runningMean');
        if (call.runningVar) expectClose(runningVar!, call.runningVar, 'runningVar');
      } catch (e) {
        throw new Error(`call ${i}: ${(e as Error).message}`);
      }
    });
  });
});

// --- dropout ---

describe('dropout', () => {
  const n = 100_000;
  const x = tensor(
    Array.from({ length: n }, (_, i) => 1 + (i % 7)),
    { dtype: 'float64' },
  );
  const xMean = x.mean().item();

  it('zeroes a fraction p and scales the rest by 1/(1 − p), preserving the mean', () => {
    const p = 0.3;
    const out = dropout(x, { p, generator: new Generator(1) }).value;
    let zeros = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const v = out.data[i]!;
      if (v === 0) zeros++;
      else worst = Math.max(worst, Math.abs(v - x.data[i]! / (1 - p)));
    }
    expect(worst).toBeLessThan(1e-12);
    // Binomial(n, p): the standard deviation of the fraction is √(p(1−p)/n) ≈ 0.0014.
    expect(Math.abs(zeros / n - p)).toBeLessThan(0.01);
    expect(Math.abs(out.mean().item() - xMean) / xMean).toBeLessThan(0.01);
  });

  it('uses p = 0.5 by default and keeps the dtype', () => {
    const x32 = x.to('float32');
    const out = dropout(x32, { generator: new Generator(2) }).value;
    expect(out.dtype).toBe('float32');
    const kept = Array.from(out.data).filter((v) => v !== 0).length;
    expect(Math.abs(kept / n - 0.5)).toBeLessThan(0.01);
  });

  it('is deterministic: the same seed gives the same mask, another seed another', () => {
    const a = dropout(x, { p: 0.4, generator: new Generator(7) }).value;
    const b = dropout(x, { p: 0.4, generator: new Generator(7) }).value;
    const c = dropout(x, { p: 0.4, generator: new Generator(8) }).value;
    const same = (u: Tensor, v: Tensor) => u.data.every((value, i) => value === v.data[i]);
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
  });

  it('masks and scales the gradient like the values', () => {
    const v = variable(tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'float64' }), { requiresGrad: true });
    const out = dropout(v, { p: 0.5, generator: new Generator(3) });
    sum(out).backward();
    const g = Array.from(v.grad!.data);
    expect(g).toEqual(Array.from(out.value.data, (o) => (o === 0 ? 0 : 2)));
    expect(g.some((gi) => gi === 0) && g.some((gi) => gi === 2)).toBe(true);
  });

  it('is the identity when not training or when p = 0, and all zeros when p = 1', () => {
    const v = variable(x);
    expect(dropout(v, { training: false })).toBe(v);
    expect(dropout(v, { p: 0 })).toBe(v);
    expect(dropout(x, { training: false }).value).toBe(x);
    const zeros = dropout(tensor([1, -2, 3]), { p: 1 }).value;
    expect(Array.from(zeros.data).map(Math.abs)).toEqual([0, 0, 0]);
  });

  it('rejects p outside [0, 1], even when not training', () => {
    for (const p of [-0.1, 1.5, Number.NaN]) {
      expect(() => dropout(x, { p, training: false })).toThrow(ValueError);
      expect(() => dropout(x, { p })).toThrow(`dropout: p must be a probability in [0, 1], got ${p}`);
    }
  });
});

// --- errors ---

describe('functional errors', () => {
  const x = tensor(
    Array.from({ length: 24 }, (_, i) => i),
    { shape: [2, 3, 4] },
  );
  const c3 = tensor([0, 0, 0]);

  it('layerNorm: x must end with normalizedShape; weight and bias must match it', () => {
    expectTyped(
      () => layerNorm(x, [3]),
      ShapeError,
      'layerNorm: x.shape must end with normalizedShape — x.shape=[2,3,4], normalizedShape=[3]',
    );
    expectTyped(() => layerNorm(x, [5, 2, 3, 4]), ShapeError, 'normalizedShape=[5,2,3,4]');
    expectTyped(
      () => layerNorm(x, [4], { weight: tensor([1, 1]) }),
      ShapeError,
      'layerNorm: weight.shape must equal normalizedShape — weight.shape=[2], normalizedShape=[4]',
    );
    expectTyped(
      () => layerNorm(x, []),
      ValueError,
      'layerNorm: normalizedShape must be a positive integer or a non-empty array of them, got []',
    );
    expectTyped(
      () => layerNorm(x, [4], { eps: -1 }),
      ValueError,
      'layerNorm: eps must be a finite number >= 0',
    );
  });

  it('batchNorm: shapes of x, the running statistics, weight and bias', () => {
    expectTyped(
      () => batchNorm(tensor([1, 2, 3]), c3, c3),
      ShapeError,
      'batchNorm: x must be (N, C) or (N, C, L, …) — x.shape=[3]',
    );
    expectTyped(
      () => batchNorm(x, tensor([0, 0]), tensor([1, 1])),
      ShapeError,
      'batchNorm: runningMean must hold one value per channel — runningMean.shape=[2], x.shape=[2,3,4] (expected [3])',
    );
    expectTyped(
      () => batchNorm(x, c3, c3, { bias: tensor([0, 0, 0, 0]) }),
      ShapeError,
      'batchNorm: bias must hold one value per channel — bias.shape=[4]',
    );
  });

  it('batchNorm: one value per channel cannot be normalised in training', () => {
    expectTyped(
      () => batchNorm(tensor([[1, 2, 3]]), c3.clone(), c3.clone(), { training: true }),
      ValueError,
      'batchNorm: expected more than 1 value per channel when training — x.shape=[1,3]',
    );
  });

  it('batchNorm: eval needs running statistics; give both or neither', () => {
    expectTyped(
      () => batchNorm(x, null, null),
      ValueError,
      'batchNorm: running statistics are needed when not training',
    );
    expectTyped(
      () => batchNorm(x, c3, null, { training: true }),
      ValueError,
      'give both runningMean and runningVar',
    );
  });

  it('batchNorm without running statistics leaves nothing to update', () => {
    const out = batchNorm(x, null, null, { training: true }).value;
    expect(Math.abs(out.mean().item())).toBeLessThan(1e-6);
  });

  it('reject inputs that are not tensors', () => {
    expectTyped(
      () => layerNorm([1, 2] as unknown as Tensor, [2]),
      ValueError,
      'layerNorm: x must be a Variable or a Tensor, got [1, 2]',
    );
    expectTyped(
      () => batchNorm(x, c3, c3, { momentum: Number.NaN }),
      ValueError,
      'batchNorm: momentum must be a finite number',
    );
  });
});
