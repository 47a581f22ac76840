import {
  bufferPoolBytes,
  clearBufferPool,
  Generator,
  openBufferScope,
  randn,
  type Tensor,
} from '@mtl/tensor';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as ag from '../src/index';
import { Parameter, type Variable } from '../src/index';

/*
 * The backward pass hands the buffers of the intermediate gradients it made back to the tensor
 * package's pool once nothing holds them (engine.ts). A buffer handed back while still held would
 * be zeroed and reused under its holder: these tests run random graphs full of ways to hold a
 * gradient — a rule passing it on as it is (add), to one input twice (x + x), as a view (reshape),
 * in pieces (concat's slices), broadcast, through a matmul — and compare every gradient with the
 * same pass run without reuse, bit for bit, across several passes so the pool is warm.
 */

// [8, 32] float64 = 2 KB: above the pool's smallest size.
const SHAPE = [8, 32];

type Op = (a: Variable, b: Variable) => Variable;
const OPS: Record<string, Op> = {
  add: (a, b) => ag.add(a, b),
  sub: (a, b) => ag.sub(a, b),
  mul: (a, b) => ag.mul(a, b),
  twice: (a) => ag.add(a, a),
  tanh: (a) => ag.tanh(a),
  scale: (a) => ag.mul(a, 0.5),
  view: (a) => ag.reshape(ag.reshape(a, [32, 8]), SHAPE),
  pieces: (a, b) => ag.narrow(ag.concat([a, b], 0), 0, 4, 8),
  broadcast: (a, b) => ag.add(ag.sum(a, 0, { keepDim: true }), b),
  matmul: (a, b) => ag.mul(ag.matmul(ag.matmul(a, ag.transpose(b, 0, 1)), b), 0.1),
};
const OP_NAMES = Object.keys(OPS);

interface Step {
  op: string;
  a: number;
  b: number;
}
const programArb = fc.array(
  fc.record({
    op: fc.constantFrom(...OP_NAMES),
    a: fc.nat(),
    b: fc.nat(),
  }),
  { minLength: 1, maxLength: 12 },
);

/** Runs `program` on fresh leaves from `leafValues`; the loss sums the last three nodes. */
function gradients(program: Step[], leafValues: Tensor[]): Tensor[] {
  const leaves = leafValues.map((v) => new Parameter(v.clone()));
  const nodes: Variable[] = [...leaves];
  for (const { op, a, b } of program) {
    nodes.push(OPS[op]!(nodes[a % nodes.length]!, nodes[b % nodes.length]!));
  }
  const loss = nodes.slice(-3).reduce<Variable | null>((s, n) => {
    const term = ag.sum(n);
    return s === null ? term : ag.add(s, term);
  }, null)!;
  return ag.grad(loss, leaves, { allowUnused: true });
}

const scopePrototype = Object.getPrototypeOf(openBufferScope()) as {
  release: (b: ArrayBufferLike) => boolean;
};

afterEach(() => {
  vi.restoreAllMocks();
  clearBufferPool();
});

describe('reusing the buffers of intermediate gradients', () => {
  it('gives every gradient bit for bit as without reuse, pass after pass', () => {
    let released = 0;
    fc.assert(
      fc.property(programArb, fc.integer({ min: 0, max: 1000 }), (program, seed) => {
        const leafValues = [0, 1, 2].map((i) =>
          randn(SHAPE, { dtype: 'float64', generator: new Generator(seed * 3 + i) }),
        );
        const off = vi.spyOn(scopePrototype, 'release').mockReturnValue(false);
        const expected = gradients(program, leafValues).map((g) => Array.from(g.data));
        off.mockRestore();
        const counting = vi.spyOn(scopePrototype, 'release');
        for (let pass = 0; pass < 3; pass++) {
          const got = gradients(program, leafValues).map((g) => Array.from(g.data));
          expect(got).toEqual(expected);
        }
        released += counting.mock.results.filter((r) => r.value === true).length;
        counting.mockRestore();
      }),
      { numRuns: 150, seed: 20261207 },
    );
    // Not vacuous: the passes did hand buffers back.
    expect(released).toBeGreaterThan(100);
  });

  it('never reuses a gradient it returned: .grad keeps its values through later passes', () => {
    const x = new Parameter(randn(SHAPE, { dtype: 'float64', generator: new Generator(1) }));
    const w = new Parameter(randn([32, 32], { dtype: 'float64', generator: new Generator(2) }));
    const step = () => ag.sum(ag.tanh(ag.matmul(ag.tanh(ag.matmul(x, w)), w))).backward();
    step();
    const xGrad = x.grad!;
    const kept = Array.from(xGrad.data);
    for (let i = 0; i < 5; i++) {
      x.grad = null;
      w.grad = null;
      step();
    }
    expect(bufferPoolBytes()).toBeGreaterThan(0);
    expect(Array.from(xGrad.data)).toEqual(kept);
    // Accumulating into .grad across passes still adds.
    const once = Array.from(x.grad!.data);
    step();
    expect(Array.from(x.grad!.data)).toEqual(once.map((v) => v + v));
  });
});
