/**
 * `grad(…, { isGradsBatched: true })`: T gradients in one walk must equal T separate `grad`
 * calls. Every op of the reference fixtures (so every primitive's rule) is seeded with three
 * different gradients at once; then the
 * multi-task shapes the engine is for — one-hot seeds on task losses over a shared trunk, rows
 * that stay apart in the heads and meet in the trunk — and the option's errors.
 */
import { readFileSync } from 'node:fs';
import { eye, select, stack, type Tensor, tensor, zeros } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index';
import { AutogradError, grad, Parameter, Variable, variable } from '../src/index';
import { buildCase, callOp, decodeTensor, type FixtureCase, loadFixtures } from './fixtureCodec';

const T = 3;

/** The op's outputs as a list of Variables (eigh gives an object of two). */
function outputsOf(out: unknown): Variable[] {
  if (out instanceof Variable) return [out];
  if (Array.isArray(out)) return out as Variable[];
  return Object.values(out as Record<string, Variable>);
}

/** T different gradients for an output of R's shape: R scaled by a varied factor per row and element. */
function rowsLike(r: Tensor): Tensor {
  const rows = Array.from({ length: T }, (_, k) => {
    const data = Array.from(r.data as ArrayLike<number>, (v, j) => v * (1 + 0.5 * k * Math.sin(3 * j + k)));
    return tensor(data, { shape: [...r.shape], dtype: r.dtype as 'float32' | 'float64' });
  });
  return stack(rows);
}

function close(a: Tensor, b: Tensor, label: string): string | null {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join())
    return `${label}: got ${a.dtype}[${a.shape}], expected ${b.dtype}[${b.shape}]`;
  const tol = a.dtype === 'float64' ? 1e-12 : 2e-6;
  for (let i = 0; i < a.size; i++) {
    const x = Number(a.data[i]);
    const y = Number(b.data[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tol * (1 + Math.abs(y)))) return `${label}[${i}]: ${x} vs ${y}`;
  }
  return null;
}

/** Runs a fixture case batched and row by row; returns the mismatches. */
function compareBatched(c: FixtureCase): string[] {
  const { callArgs, inputs } = buildCase(c);
  const outs = outputsOf(callOp(c, callArgs)).filter((o) => o.requiresGrad);
  if (outs.length === 0) return [];
  const rs = (Array.isArray(c.R) ? c.R : [c.R]).map((r) => decodeTensor(r) as Tensor);
  const seeds = outs.map((o, j) =>
    rowsLike(rs[j] ?? zeros(o.shape, { dtype: o.value.dtype })).to(o.value.dtype),
  );
  return compareSeeded(outs, inputs as Variable[], seeds);
}

/** `grad` of `outs` seeded with the batched `seeds` against one call per row; the mismatches. */
function compareSeeded(outs: Variable[], ins: Variable[], seeds: Tensor[]): string[] {
  const batched = grad(outs, ins, {
    gradOutputs: seeds,
    isGradsBatched: true,
    retainGraph: true,
    allowUnused: true,
  });
  const errors: string[] = [];
  for (let k = 0; k < T; k++) {
    const row = grad(outs, ins, {
      gradOutputs: seeds.map((s) => s.narrow(0, k, 1).reshape(s.shape.slice(1))),
      retainGraph: true,
      allowUnused: true,
    });
    row.forEach((g, i) => {
      const got = batched[i]!.narrow(0, k, 1).reshape(g.shape);
      const err = close(got, g, `inputs[${i}] row ${k}`);
      if (err !== null) errors.push(err);
    });
  }
  return errors;
}

describe.each(loadFixtures().map(({ file, fixture }) => ({ file, cases: fixture.cases })))(
  'batched backward of every op in $file',
  ({ cases }) => {
    it(`equals ${T} separate passes, case by case`, () => {
      const failures = cases.flatMap((c) => compareBatched(c).map((e) => `${c.name}: ${e}`));
      expect(failures.slice(0, 10)).toEqual([]);
    });
  },
);

/** A shared trunk (linear+relu, then linear+tanh) and T heads with MSE losses, float64. */
function multiTask(tasks: number, dtype: 'float32' | 'float64' = 'float64') {
  let seed = 1;
  const rand = (shape: number[]) =>
    tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647 - 0.5;
      }),
      { shape, dtype },
    );
  const x = rand([8, 5]);
  const w1 = new Parameter(rand([6, 5]));
  const b1 = new Parameter(rand([6]));
  const w2 = new Parameter(rand([4, 6]));
  const heads = Array.from({ length: tasks }, () => new Parameter(rand([1, 4])));
  const rep = ag.tanh(ag.linear(ag.linear(x, w1, b1, { activation: 'relu' }), w2));
  const losses = heads.map((h, i) => ag.mean(ag.square(ag.sub(ag.linear(rep, h), rand([8, 1]).mul(i + 1)))));
  return { losses, shared: [w1, b1, w2], heads, rep };
}

/** Loss i's seed: row i of the identity, as the README writes it. */
const oneHots = (t: number, dtype: 'float32' | 'float64' = 'float64') =>
  Array.from({ length: t }, (_, i) => select(eye(t, t, { dtype }), 0, i));

describe('against PyTorch (torch.autograd.grad with is_grads_batched)', () => {
  interface Encoded {
    shape: number[];
    data: number[];
  }
  const ref = JSON.parse(readFileSync(new URL('./fixtures/batched/grad.json', import.meta.url), 'utf8')) as {
    values: Record<string, Encoded>;
    leaves: string[];
    S: Encoded;
    perTask: Encoded[];
    mixed: Encoded[];
  };
  const decode = (e: Encoded) => tensor(e.data, { shape: e.shape, dtype: 'float64' });
  /** The fixture's network: a relu then tanh trunk and three heads, MSE losses. */
  function build() {
    const v = Object.fromEntries(
      Object.entries(ref.values).map(([k, e]) => [
        k,
        variable(decode(e), { requiresGrad: ref.leaves.includes(k) }),
      ]),
    );
    const rep = ag.tanh(ag.linear(ag.linear(v.x!, v.W1!, v.b1!, { activation: 'relu' }), v.W2!));
    const losses = [0, 1, 2].map((i) => ag.mean(ag.square(ag.sub(ag.linear(rep, v[`h${i}`]!), v[`y${i}`]!))));
    return { losses, leaves: ref.leaves.map((k) => v[k]!) };
  }
  const expectClose = (got: Tensor[], expected: Encoded[]) => {
    got.forEach((g, i) => {
      expect(g.shape).toEqual(expected[i]!.shape);
      expect(close(g, decode(expected[i]!), `leaf ${ref.leaves[i]}`)).toBeNull();
    });
  };

  it('gives the per-task gradients of one-hot seeds', () => {
    const { losses, leaves } = build();
    expectClose(grad(losses, leaves, { gradOutputs: oneHots(3), isGradsBatched: true }), ref.perTask);
  });

  it('gives the gradients of rows of weights on a vector output', () => {
    const { losses, leaves } = build();
    expectClose(
      grad(ag.stack(losses), leaves, { gradOutputs: [decode(ref.S)], isGradsBatched: true }),
      ref.mixed,
    );
  });
});

describe('per-task gradients in one walk', () => {
  it.each(['float64', 'float32'] as const)('equal one grad() per task on a shared trunk (%s)', (dtype) => {
    const { losses, shared, heads } = multiTask(4, dtype);
    const leaves = [...shared, ...heads];
    const batched = grad(
      losses.map((l) => l.reshape([1]).sum()),
      leaves,
      {
        gradOutputs: oneHots(4, dtype),
        isGradsBatched: true,
        retainGraph: true,
      },
    );
    losses.forEach((loss, i) => {
      const single = grad(loss, leaves, { retainGraph: true, allowUnused: true });
      single.forEach((g, k) => {
        expect(close(batched[k]!.narrow(0, i, 1).reshape(g.shape), g, `task ${i} leaf ${k}`)).toBeNull();
      });
    });
    // A head gets its own task's gradient in its row and zeros in the others.
    expect(Array.from(batched[shared.length]!.data.subarray(4))).toEqual(new Array(12).fill(0));
  });

  it('gives [T, ...shape] for the representation, seeds of any shape, and zero rows', () => {
    const { losses, rep } = multiTask(2);
    const both = ag.stack(losses);
    const seed = tensor([
      [2, 0],
      [0, 0],
      [1, -1],
    ]);
    const [g] = grad(both, rep, { gradOutputs: [seed], isGradsBatched: true, retainGraph: true });
    expect(g!.shape).toEqual([3, ...rep.shape]);
    const [g0] = grad(losses[0]!, rep, { retainGraph: true });
    const [g1] = grad(losses[1]!, rep, { retainGraph: true });
    expect(close(g!.narrow(0, 0, 1).reshape(rep.shape), g0!.mul(2), 'row 0')).toBeNull();
    expect(Array.from(g!.narrow(0, 1, 1).data)).toEqual(new Array(rep.value.size).fill(0));
    expect(close(g!.narrow(0, 2, 1).reshape(rep.shape), g0!.sub(g1!), 'row 2')).toBeNull();
  });

  it('frees the walked graph unless retainGraph, and gives zeros for unused inputs with allowUnused', () => {
    const { losses, shared } = multiTask(2);
    const unused = new Parameter(tensor([1, 2, 3]));
    const gs = grad(losses, [...shared, unused], {
      gradOutputs: oneHots(2),
      isGradsBatched: true,
      allowUnused: true,
    });
    expect(gs[3]!.shape).toEqual([2, 3]);
    expect(Array.from(gs[3]!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => grad(losses[0]!, shared)).toThrow(/second time/);
  });

  it('refuses missing or misshapen batched gradOutputs, naming the shape wanted', () => {
    const { losses, shared } = multiTask(2);
    expect(() => grad(losses, shared, { isGradsBatched: true })).toThrow(AutogradError);
    expect(() => grad(losses, shared, { isGradsBatched: true })).toThrow(
      /one \[T, \.\.\.output shape\] tensor per output/,
    );
    expect(() =>
      grad(losses, shared, { gradOutputs: [tensor([1, 0]), tensor([0, 1, 0])], isGradsBatched: true }),
    ).toThrow(/gradOutputs\[1\] must have shape \[T, \] \(T the same for every output, here 2\) — got \[3\]/);
    expect(() => grad(losses, shared, { gradOutputs: [tensor(1), tensor(1)], isGradsBatched: true })).toThrow(
      /must have shape \[T, \]/,
    );
    expect(() => grad(losses, shared, { isGradsBatched: 'yes' as never })).toThrow(/isGradsBatched/);
    const v = variable(tensor([1, 2]), { requiresGrad: true });
    expect(() => grad(v.mul(2), v, { gradOutputs: [zeros([0, 2])], isGradsBatched: true })).toThrow(
      /must not be empty/,
    );
  });
});
